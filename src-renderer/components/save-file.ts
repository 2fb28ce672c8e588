// Saves data as a file on the workstation: a download, which browser mode hands to the browser and
// Electron to its save dialog. The object URL lives a minute, long enough for the download to start.
export function saveFile(name: string, parts: BlobPart[], type = 'application/octet-stream'): void {
  const url = URL.createObjectURL(new Blob(parts, { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
