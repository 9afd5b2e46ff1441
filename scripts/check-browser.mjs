import { findChrome } from './chrome-path.mjs';

if (!findChrome()) {
  const wanted = process.env.CHROME_PATH
    ? ` (CHROME_PATH=${process.env.CHROME_PATH} does not exist)`
    : '';
  console.error(
    `No Chrome or Chromium found${wanted}: install one (Debian/Ubuntu: sudo apt-get install -y chromium) or set CHROME_PATH to its executable.`,
  );
  process.exit(1);
}
