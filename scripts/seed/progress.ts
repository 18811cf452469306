// A plain progress bar on stderr (stdout stays clean for piping).
export function progressBar(label: string, total: number) {
  const started = Date.now();
  let last = -1;
  return {
    update(done: number) {
      const pct = total ? Math.floor((done / total) * 100) : 100;
      if (pct === last && done < total) return;
      last = pct;
      const width = 30;
      const filled = Math.round((pct / 100) * width);
      const rate = done / Math.max(0.001, (Date.now() - started) / 1000);
      process.stderr.write(
        `\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${pct}% ${done}/${total} (${Math.round(rate)}/s)`,
      );
      if (done >= total) process.stderr.write('\n');
    },
  };
}
