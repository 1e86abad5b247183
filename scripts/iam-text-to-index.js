// Turns the line-oriented snapshot text written by iam-data-to-text.js into the indexed resource core
// loads (core/src/main/resources/dev/leasehold/iam/service-authorization.idx). Run through
// scripts/update-iam-data; `node iam-text-to-index.js SNAPSHOT.txt[.gz] OUTPUT.idx`.
//
// The index lets a fresh JVM load the snapshot without reading all of it: a short ASCII header names every
// service with the size of its block, and each service's records (the T, K and A lines of the text
// format, as they are) follow as one raw DEFLATE block. The loader reads the header only; a service's
// block is inflated and parsed the first time one of its actions is looked up.
//
//   LEASEHOLD-IAM-INDEX	1
//   #...                                               comment
//   @	source	<npm package>	<version>	<date>           as in the text format
//   N	<services>	<actions>
//   S	<prefix>	<name>	<actions>	<block bytes>	<text bytes>   one per service, in prefix order
//   (an empty line ends the header; the blocks follow in the order of the S lines)
//
// The text must be ASCII (the loader decodes it as Latin-1, a plain copy). Deterministic: the same text
// always gives the same bytes (DEFLATE level 9, no names or times).
'use strict';
const fs = require('fs');
const zlib = require('zlib');

const [input, out] = process.argv.slice(2);
if (!input || !out) {
  console.error('usage: node iam-text-to-index.js SNAPSHOT.txt[.gz] OUTPUT.idx');
  process.exit(2);
}
let raw = fs.readFileSync(input);
if (input.endsWith('.gz')) raw = zlib.gunzipSync(raw);
// The loader reads the text as Latin-1 (a plain copy of the bytes): it must be ASCII.
const nonAscii = raw.findIndex((b) => b > 0x7f);
if (nonAscii >= 0) throw new Error('a non-ASCII byte at offset ' + nonAscii + ' of the snapshot text');
const lines = raw.toString('utf8').split('\n');
if (lines[lines.length - 1] === '') lines.pop();

const header = ['LEASEHOLD-IAM-INDEX\t1'];
const services = [];
let source = null;
let current = null;
for (const line of lines) {
  const kind = line.charAt(0);
  if (kind === '#') {
    header.push(line);
  } else if (kind === '@') {
    source = line;
  } else if (kind === 'S') {
    const f = line.split('\t');
    current = { prefix: f[1], name: f[2], body: [], actions: 0 };
    services.push(current);
  } else if (kind === 'T' || kind === 'K' || kind === 'A') {
    if (!current) throw new Error('a record before the first service: ' + line);
    current.body.push(line);
    if (kind === 'A') current.actions++;
  } else if (line !== '') {
    throw new Error('unknown record: ' + line);
  }
}
if (!source || services.length === 0) throw new Error('no source line or no services');
let total = 0;
const blocks = [];
const entries = [];
for (const s of services) {
  const text = Buffer.from(s.body.join('\n') + '\n', 'utf8');
  const block = zlib.deflateRawSync(text, { level: 9 });
  blocks.push(block);
  entries.push(['S', s.prefix, s.name, s.actions, block.length, text.length].join('\t'));
  total += s.actions;
}
header.push(source, ['N', services.length, total].join('\t'), ...entries, '');
fs.writeFileSync(out, Buffer.concat([Buffer.from(header.join('\n') + '\n', 'utf8'), ...blocks]));
console.error(`${services.length} services, ${total} actions, ${fs.statSync(out).size} bytes`);
