// Copies browser libraries from node_modules into public/vendor (no CDN). Runs at build and before tests.
import fs from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const vendor = path.join(root, 'public', 'vendor');
const files = [
  // [package-relative source, destination name]
  ['chart.js/dist/chart.umd.min.js', 'chart.umd.min.js'],
  // The password strength meter's estimator and its common dictionaries (public/js/password-meter.js).
  ['@zxcvbn-ts/core/dist/zxcvbn-ts.js', 'zxcvbn-ts-core.js'],
  ['@zxcvbn-ts/language-common/dist/zxcvbn-ts.js', 'zxcvbn-ts-common.js'],
];
fs.mkdirSync(vendor, { recursive: true });
for (const [src, dest] of files) {
  fs.copyFileSync(path.join(root, 'node_modules', src), path.join(vendor, dest));
}
