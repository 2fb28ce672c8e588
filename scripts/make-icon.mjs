// Draws assets/icon.png (512x512) and assets/icon.svg: a dark rounded square holding a light
// three-unit server rack. No dependencies: signed-distance shapes, anti-aliased, written as a
// PNG with zlib. Run: node scripts/make-icon.mjs
import { writeFileSync, mkdirSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';

const SIZE = 512;
const out = fileURLToPath(new URL('../assets/', import.meta.url));

// ---- geometry (shared by the PNG and the SVG) ----
const tile = { x: 24, y: 24, w: 464, h: 464, r: 104 };
const unit = { w: 304, h: 80, r: 18, gap: 22 };
const rackTop = (SIZE - (3 * unit.h + 2 * unit.gap)) / 2;
const units = [0, 1, 2].map((i) => ({ x: (SIZE - unit.w) / 2, y: rackTop + i * (unit.h + unit.gap), w: unit.w, h: unit.h, r: unit.r }));
const leds = ['#34d399', '#34d399', '#38bdf8'];
const bay = { w: 112, h: 10, r: 5 };

const hex = (h, a = 1) => [parseInt(h.slice(1, 3), 16), parseInt(h.slice(3, 5), 16), parseInt(h.slice(5, 7), 16), a];

// ---- signed distances (negative inside) ----
function roundRect(px, py, { x, y, w, h, r }) {
  const cx = x + w / 2;
  const cy = y + h / 2;
  const qx = Math.abs(px - cx) - (w / 2 - r);
  const qy = Math.abs(py - cy) - (h / 2 - r);
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - r;
}
const circle = (px, py, cx, cy, r) => Math.hypot(px - cx, py - cy) - r;

const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

/** Layers, bottom first: each gives a distance and a colour at (x, y). */
const layers = [
  // Tile: vertical slate gradient.
  { d: (x, y) => roundRect(x, y, tile), c: (x, y) => mix(hex('#273449'), hex('#0d1320'), (y - tile.y) / tile.h) },
  // A faint inner rim light along the top edge.
  {
    d: (x, y) => Math.abs(roundRect(x, y, { ...tile, x: tile.x + 2, y: tile.y + 2, w: tile.w - 4, h: tile.h - 4, r: tile.r - 2 })) - 1,
    c: (x, y) => [255, 255, 255, Math.max(0, 0.14 - ((y - tile.y) / tile.h) * 0.2)],
  },
  // Rack units: light, with a soft top-to-bottom shade.
  ...units.map((u) => ({ d: (x, y) => roundRect(x, y, u), c: (x, y) => mix(hex('#f1f5f9'), hex('#cbd5e1'), (y - u.y) / u.h) })),
  // Status LEDs with a glow ring.
  ...units.map((u, i) => ({ d: (x, y) => circle(x, y, u.x + 42, u.y + u.h / 2, 17), c: () => hex(leds[i], 0.22) })),
  ...units.map((u, i) => ({ d: (x, y) => circle(x, y, u.x + 42, u.y + u.h / 2, 10), c: () => hex(leds[i]) })),
  // Drive bays: two dark slots at the right of each unit.
  ...units.flatMap((u) =>
    [-11, 11].map((dy) => ({
      d: (x, y) => roundRect(x, y, { x: u.x + u.w - 40 - bay.w, y: u.y + u.h / 2 + dy - bay.h / 2, ...bay }),
      c: () => hex('#475569'),
    })),
  ),
];

// ---- raster ----
const rgba = new Float64Array(SIZE * SIZE * 4);
for (let py = 0; py < SIZE; py++) {
  for (let px = 0; px < SIZE; px++) {
    const x = px + 0.5;
    const y = py + 0.5;
    let r = 0, g = 0, b = 0, a = 0; // premultiplied
    for (const layer of layers) {
      const coverage = Math.min(1, Math.max(0, 0.5 - layer.d(x, y)));
      if (coverage <= 0) continue;
      const [cr, cg, cb, ca] = layer.c(x, y);
      const alpha = ca * coverage;
      r = cr * alpha + r * (1 - alpha);
      g = cg * alpha + g * (1 - alpha);
      b = cb * alpha + b * (1 - alpha);
      a = alpha + a * (1 - alpha);
    }
    const i = (py * SIZE + px) * 4;
    rgba.set(a > 0 ? [r / a, g / a, b / a, a * 255] : [0, 0, 0, 0], i);
  }
}

// ---- PNG ----
const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
const ihdr = Buffer.alloc(13);
ihdr.writeUInt32BE(SIZE, 0);
ihdr.writeUInt32BE(SIZE, 4);
ihdr.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA, no interlace
const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
  raw[y * (SIZE * 4 + 1)] = 0; // filter: none
  for (let x = 0; x < SIZE * 4; x++) raw[y * (SIZE * 4 + 1) + 1 + x] = Math.round(Math.min(255, Math.max(0, rgba[y * SIZE * 4 + x])));
}
const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', ihdr),
  chunk('IDAT', deflateSync(raw, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

// ---- SVG (same drawing) ----
const rect = ({ x, y, w, h, r }, fill) => `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${r}" fill="${fill}"/>`;
const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">
  <defs>
    <linearGradient id="tile" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#273449"/><stop offset="1" stop-color="#0d1320"/></linearGradient>
    <linearGradient id="unit" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="#f1f5f9"/><stop offset="1" stop-color="#cbd5e1"/></linearGradient>
  </defs>
  ${rect(tile, 'url(#tile)')}
  ${units
    .map(
      (u, i) =>
        `${rect(u, 'url(#unit)')}
  <circle cx="${u.x + 42}" cy="${u.y + u.h / 2}" r="17" fill="${leds[i]}" fill-opacity="0.22"/>
  <circle cx="${u.x + 42}" cy="${u.y + u.h / 2}" r="10" fill="${leds[i]}"/>
  ${[-11, 11].map((dy) => rect({ x: u.x + u.w - 40 - bay.w, y: u.y + u.h / 2 + dy - bay.h / 2, ...bay }, '#475569')).join('\n  ')}`,
    )
    .join('\n  ')}
</svg>
`;

mkdirSync(out, { recursive: true });
writeFileSync(`${out}icon.png`, png);
writeFileSync(`${out}icon.svg`, svg);
console.log(`wrote assets/icon.png (${png.length} bytes) and assets/icon.svg`);
