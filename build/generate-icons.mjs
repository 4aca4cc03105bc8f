// Draws the Fleetwatch icon (a signal over a dot on a blue rounded square, as
// renderer/public/favicon.svg) and writes build/icon.png (512 px), build/icon.ico and
// build/icon.icns (both embedding PNGs). Run once with `node build/generate-icons.mjs`; the
// outputs are committed, so packaging never depends on an image tool.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const here = new URL('.', import.meta.url);

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c >>> 0;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

function png(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y += 1) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** coverage (0..1) of the icon shape at (x, y) in a 64-unit design space, and whether it is white */
function sample(x, y) {
  const inSquare = (() => {
    const r = 14;
    const cx = Math.min(Math.max(x, r), 64 - r);
    const cy = Math.min(Math.max(y, r), 64 - r);
    return Math.hypot(x - cx, y - cy) <= r && x >= 0 && y >= 0 && x <= 64 && y <= 64;
  })();
  if (!inSquare) return null;
  const dot = Math.hypot(x - 32, y - 40) <= 6;
  const arc = (radius) => {
    const d = Math.hypot(x - 32, y - 44);
    return Math.abs(d - radius) <= 2.5 && y < 44 - radius * 0.45;
  };
  return dot || arc(14) || arc(24) ? 'white' : 'blue';
}

function draw(size) {
  const out = Buffer.alloc(size * size * 4);
  const ss = 4; // supersampling per axis
  for (let py = 0; py < size; py += 1) {
    for (let px = 0; px < size; px += 1) {
      let white = 0;
      let blue = 0;
      for (let sy = 0; sy < ss; sy += 1) {
        for (let sx = 0; sx < ss; sx += 1) {
          const s = sample(((px + (sx + 0.5) / ss) / size) * 64, ((py + (sy + 0.5) / ss) / size) * 64);
          if (s === 'white') white += 1;
          else if (s === 'blue') blue += 1;
        }
      }
      const n = ss * ss;
      const a = (white + blue) / n;
      const i = (py * size + px) * 4;
      if (a === 0) continue;
      const w = white / (white + blue);
      out[i] = Math.round(0x1d + (255 - 0x1d) * w);
      out[i + 1] = Math.round(0x5f + (255 - 0x5f) * w);
      out[i + 2] = Math.round(0xd6 + (255 - 0xd6) * w);
      out[i + 3] = Math.round(a * 255);
    }
  }
  return png(size, out);
}

function ico(images) {
  const header = Buffer.alloc(6);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(images.length, 4);
  let offset = 6 + 16 * images.length;
  const entries = images.map(({ size, data }) => {
    const e = Buffer.alloc(16);
    e[0] = size >= 256 ? 0 : size;
    e[1] = size >= 256 ? 0 : size;
    e.writeUInt16LE(1, 4);
    e.writeUInt16LE(32, 6);
    e.writeUInt32LE(data.length, 8);
    e.writeUInt32LE(offset, 12);
    offset += data.length;
    return e;
  });
  return Buffer.concat([header, ...entries, ...images.map((i) => i.data)]);
}

function icns(images) {
  const parts = images.map(({ type, data }) => {
    const h = Buffer.alloc(8);
    h.write(type, 0, 'ascii');
    h.writeUInt32BE(data.length + 8, 4);
    return Buffer.concat([h, data]);
  });
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(8);
  h.write('icns', 0, 'ascii');
  h.writeUInt32BE(body.length + 8, 4);
  return Buffer.concat([h, body]);
}

const p512 = draw(512);
const p256 = draw(256);
writeFileSync(new URL('icon.png', here), p512);
writeFileSync(new URL('icon.ico', here), ico([16, 32, 48, 256].map((size) => ({ size, data: size === 256 ? p256 : draw(size) }))));
writeFileSync(new URL('icon.icns', here), icns([{ type: 'ic08', data: p256 }, { type: 'ic09', data: p512 }]));
