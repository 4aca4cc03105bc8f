/** Saves `href` (a data: or blob: URL) under `filename` through the browser's download. */
export function download(filename: string, href: string): void {
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
}

export function downloadText(filename: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  download(filename, url);
  // The download has started from the click; the browser may still read the blob a moment later.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** A file-name-safe stamp of now, e.g. 2026-01-10T12-00-00. */
export function fileStamp(at = new Date()): string {
  return at.toISOString().slice(0, 19).replace(/:/g, '-');
}

export function slug(text: string): string {
  return text.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 60) || 'chart';
}
