/** Splits [start, end) into consecutive slices of at most `sliceMs`, oldest first. */
export function sliceWindow(start: number, end: number, sliceMs: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let s = start; s < end; s += sliceMs) out.push([s, Math.min(end, s + sliceMs)]);
  return out;
}
