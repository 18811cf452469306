// Documents: the server's resident memory before and while a file at the size limit (25 MB by
// default) is uploaded and downloaded. The upload streams into the database chunk by chunk and the
// download reads one chunk at a time, so the server's memory should stay flat (a few MB above idle).
import fs from 'node:fs';
import { csrfOf, redirectOf, type Session } from './http.js';

const rssMb = (pid: number): number => {
  const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : NaN;
};

async function peakWhile<T>(pid: number, work: () => Promise<T>): Promise<[T, number]> {
  let peak = rssMb(pid);
  const timer = setInterval(() => (peak = Math.max(peak, rssMb(pid))), 20);
  try {
    return [await work(), peak];
  } finally {
    clearInterval(timer);
  }
}

export interface DocumentFigures {
  megabytes: number;
  rssBeforeMb: number;
  uploadPeakMb: number;
  uploadSeconds: number;
  downloadPeakMb: number;
  downloadSeconds: number;
}

/** Uploads a `megabytes` file to the partner's panel, downloads it back, then deletes (archives) it. */
export async function benchDocuments(s: Session, pid: number, partnerId: string, megabytes = 25): Promise<DocumentFigures> {
  const page = await s.html(`/partners/${partnerId}`);
  const token = csrfOf(page, 'partner page');
  const content = Buffer.alloc(megabytes * 1024 * 1024, 0x5a);
  const form = new FormData();
  form.set('file', new Blob([content]), 'bench.bin');
  const rssBeforeMb = rssMb(pid);
  let t0 = performance.now();
  const [location, uploadPeakMb] = await peakWhile(pid, async () =>
    redirectOf(
      await s.request(`/documents/partner/${partnerId}`, { method: 'POST', body: form, headers: { 'x-csrf-token': token } }),
      'document upload',
    ),
  );
  const uploadSeconds = (performance.now() - t0) / 1000;
  const listed = await s.html(location.replace(/#.*$/, ''));
  const id = /\/documents\/([a-f0-9]{24})\/download"[^>]*>bench\.bin</.exec(listed)?.[1];
  if (!id) throw new Error('the uploaded document is not listed');
  t0 = performance.now();
  const [bytes, downloadPeakMb] = await peakWhile(
    pid,
    async () => (await (await s.request(`/documents/${id}/download`)).arrayBuffer()).byteLength,
  );
  const downloadSeconds = (performance.now() - t0) / 1000;
  if (bytes !== content.length) throw new Error(`download: ${bytes} bytes, expected ${content.length}`);
  await s.submit(`/documents/${id}/archive`, {}, csrfOf(listed, 'partner page'));
  const round = (x: number) => Math.round(x * 10) / 10;
  return {
    megabytes,
    rssBeforeMb,
    uploadPeakMb,
    uploadSeconds: round(uploadSeconds),
    downloadPeakMb,
    downloadSeconds: round(downloadSeconds),
  };
}
