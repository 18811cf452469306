// The embedded database: FerretDB 1.24.2 on its SQLite backend, on loopback, data in -dir.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	addr := flag.String("listen", "127.0.0.1:27017", "")
	dir := flag.String("dir", "", "")
	flag.Parse()
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *addr},
		Handler:   "sqlite",
		SQLiteURL: "file:" + *dir + "/",
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	// Every table has its _id lookup index before the first request, then new tables within seconds.
	ids := newIDIndexer(*dir)
	defer ids.close()
	if err := ids.sweep(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "id index:", err)
	}
	go ids.every(ctx, 2*time.Second)

	fmt.Println("ready")
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
