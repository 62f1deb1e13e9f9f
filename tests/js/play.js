// play.js: opens a player page (PAGE-URL) in headless Chromium and prints what it played as JSON; when it did not end, the media element's state and the page's last console lines too.
// usage: node play.js PAGE-URL TIMEOUT-SECONDS [KBPS]   (KBPS: the link throttled to it, as DevTools' network emulation does)
const { chromium } = require('playwright-core');

// Chromium itself going away (seen once, in a whole `make check` with one core
// kept busy: "Target page, context or browser has been closed" from page.goto) says
// nothing of the stream: the play is made once more in a new browser, and
// the JSON's "restarts" keeps why. A player's failure is never retried.
const died = (e) => /Target page, context or browser has been closed|Browser (has been )?closed|browser has disconnected/i
  .test(e.message || '');

async function play(page, timeout, kbps) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--autoplay-policy=no-user-gesture-required', '--no-sandbox'],
  });
  try {
    const tab = await browser.newPage();
    if (kbps) {
      const cdp = await tab.context().newCDPSession(tab);
      await cdp.send('Network.enable');
      const bytes = Number(kbps) * 1000 / 8;
      await cdp.send('Network.emulateNetworkConditions',
        { offline: false, latency: 40, downloadThroughput: bytes, uploadThroughput: bytes });
    }
    const console_ = [];
    tab.on('console', (m) => console_.push(m.text()));
    await tab.goto(page);
    const deadline = Date.now() + timeout * 1000;
    let result;
    for (;;) {
      result = await tab.evaluate(() => window.result);
      if (result.ended || result.errors.some((e) => e.endsWith(':fatal')) || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    result.currentTime = await tab.evaluate(() => document.querySelector('video').currentTime);
    result.shown = await tab.evaluate(() => (document.getElementById('rung') || {}).textContent || '');
    if (!result.ended) {
      // what a stall looks like from outside: enough to tell a player's bug from a stream's
      result.media = await tab.evaluate(() => {
        const v = document.querySelector('video');
        const ranges = [];
        for (let i = 0; i < v.buffered.length; i++) ranges.push([v.buffered.start(i), v.buffered.end(i)]);
        return { duration: v.duration, buffered: ranges, readyState: v.readyState, paused: v.paused,
          page: window.state ? window.state() : null };
      });
      result.console = console_.slice(-20);
    }
    return result;
  } finally {
    await browser.close().catch(() => {});
  }
}

(async () => {
  const [page, timeout, kbps] = [process.argv[2], Number(process.argv[3] || 60), process.argv[4]];
  const restarts = [];
  let result;
  for (;;) {
    try {
      result = await play(page, timeout, kbps);
      break;
    } catch (e) {
      if (restarts.length || !died(e)) throw e;
      restarts.push(e.message.split('\n')[0]);
    }
  }
  if (restarts.length) result.restarts = restarts;
  process.stdout.write(JSON.stringify(result) + '\n');
})().catch((e) => { console.error('play.js: ' + e.message); process.exit(2); });
