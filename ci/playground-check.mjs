// Drives the playground in headless Chromium; run by ci/playground-check.sh, which starts acegate and installs
// playwright-core into a temporary folder. Prints one line per step; exits non-zero at the first failure.
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(`${process.env.PLAYWRIGHT_MODULES}/`);
const { chromium } = require('playwright-core');

const base = process.env.ACEGATE_URL;
const origin = new URL(base).origin;
const wsOrigin = origin.replace(/^http/, 'ws');
const timeout = 30_000;

function step(message) {
  console.log(`ok - ${message}`);
}

async function waitUntilReady() {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      const response = await fetch(`${base}/readyz`);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${base}/readyz did not answer 200 within 120 s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function graphql(query, variables, token) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${base}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await response.json();
  if (body.errors) throw new Error(`${query.split('(')[0]} answered ${JSON.stringify(body.errors)}`);
  return body.data;
}

// A reviewer starts the review of O1000015 (SUBMITTED to IN_REVIEW), through the API, outside the browser.
async function startReviewOfTheLondonPortfolioRecord() {
  const signIn = await graphql(
    'mutation($email: String!, $password: String!) { login(input: { email: $email, password: $password }) { accessToken } }',
    { email: 'reviewer@acegate.example.com', password: 'demo-password' }
  );
  const token = signIn.login.accessToken;
  const found = await graphql(
    '{ opportunities(first: 1, filter: { search: "O1000015" }) { nodes { id version status } } }',
    {},
    token
  );
  const record = found.opportunities.nodes[0];
  const started = await graphql(
    'mutation($id: ID!, $version: Int!) { startReview(input: { id: $id, expectedVersion: $version }) { opportunity { status } userErrors { message } } }',
    { id: record.id, version: record.version },
    token
  );
  if (started.startReview.userErrors.length > 0) throw new Error(JSON.stringify(started.startReview.userErrors));
}

await waitUntilReady();
step(`acegate is ready at ${base}`);

mkdirSync(process.env.PROFILE_DIR, { recursive: true });
const context = await chromium.launchPersistentContext(process.env.PROFILE_DIR, {
  executablePath: process.env.CHROMIUM,
  headless: true,
  viewport: { width: 1440, height: 900 },
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

const problems = [];
let failed = false;
try {
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(timeout);
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
  });
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(origin) && !url.startsWith(wsOrigin) && !url.startsWith('data:')) {
      problems.push(`request to another origin: ${url}`);
    }
  });

  const response = await page.goto(`${base}/`, { waitUntil: 'load' });
  if (response.status() !== 200) throw new Error(`GET / answered ${response.status()}`);
  const csp = response.headers()['content-security-policy'] ?? '';
  if (!csp.includes("script-src 'self'")) throw new Error(`unexpected Content-Security-Policy: ${csp}`);
  step(`GET / answered 200 with ${csp.split(';')[1].trim()}`);

  await page.waitForSelector('.graphiql-container');
  await page.waitForSelector('.acegate-panel');
  const tabs = await page.locator('.graphiql-tab').allInnerTexts();
  step(`GraphiQL rendered with the acegate panel and ${tabs.length} saved-operation tabs (${tabs.join(', ')})`);

  // The schema arrives by introspection: the documentation explorer names the root types once it has.
  await page.locator('.graphiql-sidebar button[aria-label="Show Documentation Explorer"]').click();
  await page.waitForSelector('.graphiql-doc-explorer-content >> text=Query');
  step('the schema loaded by introspection (Documentation Explorer lists Query)');
  // A dialog injects a <style> element (scroll locking): the CSP must let GraphiQL's styles through.
  await page.locator('.graphiql-sidebar button[aria-label="Open settings dialog"]').click();
  await page.waitForSelector('.graphiql-dialog');
  await page.keyboard.press('Escape');
  await page.waitForSelector('.graphiql-dialog', { state: 'detached' });
  step('the settings dialog opens and closes');
  await page.locator('.graphiql-sidebar button[aria-label="Show acegate"]').click();
  await page.waitForSelector('.acegate-panel');

  // The sign-in helper: runs `login` and fills the active tab's headers.
  await page.selectOption('.acegate-login', 'partner-advanced@acegate.example.com');
  await page.click('.acegate-signin-button');
  const signedIn = await page.waitForSelector('.acegate-status-ok');
  step(`sign-in helper: ${await signedIn.innerText()}`);
  const headers = await page.evaluate(() => {
    const editors = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')];
    return editors.map((element) => element.CodeMirror.getValue()).join('\n');
  });
  if (!/"Authorization": "Bearer ey/.test(headers)) throw new Error(`the headers editor holds ${headers}`);
  step('the Headers tab holds {"Authorization": "Bearer …"}');

  // The saved partner pipeline, opened from the panel and run with the execute button.
  await page.click('[data-example="PartnerPipeline"] .acegate-open');
  await page.waitForFunction(() => {
    const active = document.querySelector('.graphiql-tab-active');
    return active && active.textContent.includes('PartnerPipeline');
  });
  await page.waitForFunction(() => {
    const query = document.querySelector('.graphiql-query-editor .CodeMirror');
    // GraphiQL settles the operation name 100 ms after an edit; ▶ sends the name it has then.
    return query && query.CodeMirror.operationName === 'PartnerPipeline';
  });
  step('the PartnerPipeline tab is active with its operation');
  await page.click('.graphiql-execute-button');
  const result = await page.waitForFunction(
    () => {
      const element = document.querySelector('.result-window .CodeMirror');
      const text = element ? element.CodeMirror.getValue() : '';
      return text.includes('"reference": "O100') || text.includes('"errors"') ? text : false;
    },
    null,
    { timeout }
  );
  const text = await result.jsonValue();
  const body = JSON.parse(text);
  if (body.errors) throw new Error(`the pipeline answered errors: ${JSON.stringify(body.errors)}`);
  const references = body.data.opportunities.nodes.map((node) => node.reference);
  step(
    `the result pane shows ${body.data.viewer.partner.name}'s pipeline: ${body.data.opportunities.totalCount} ` +
      `records (${references.join(', ')})`
  );
  const visible = await page.locator('.result-window').innerText();
  if (!visible.includes('O100')) throw new Error('the result pane does not display an O100 reference');
  step('the result pane displays the references');

  // Every other saved operation, each opened from the panel (signed in as its own demo user) and run.
  const examples = await page.evaluate(async () => {
    const response = await fetch(document.getElementById('graphiql').dataset.playground);
    return (await response.json()).examples;
  });
  const subscriptions = examples.filter((e) => e.query.includes('\nsubscription ')).map((e) => e.name);
  const others = examples
    .map((e) => e.name)
    .filter((name) => name !== 'PartnerPipeline' && !subscriptions.includes(name));
  for (const name of others) {
    await page.click(`[data-example="${name}"] .acegate-open`);
    await page.waitForFunction((name) => {
      const active = document.querySelector('.graphiql-tab-active');
      const query = document.querySelector('.graphiql-query-editor .CodeMirror');
      return active && active.textContent.includes(name) && query && query.CodeMirror.operationName === name;
    }, name);
    await page.click('.graphiql-execute-button');
    const answer = await page.waitForFunction(() => {
      const element = document.querySelector('.result-window .CodeMirror');
      const text = element ? element.CodeMirror.getValue() : '';
      return text.includes('"data"') || text.includes('"errors"') ? text : false;
    });
    const result = JSON.parse(await answer.jsonValue());
    if (result.errors) throw new Error(`${name} answered errors: ${JSON.stringify(result.errors)}`);
    step(`${name} ran from the panel: ${Object.keys(result.data).join(', ')}`);
  }

  // The live example: subscribed over WebSocket from the page, it shows a status change made elsewhere.
  for (const name of subscriptions) {
    const subscribed = page.waitForEvent('websocket').then(
      (socket) =>
        new Promise((resolve) =>
          socket.on('framesent', (frame) => {
            if (String(frame.payload).includes('"subscribe"')) resolve(socket.url());
          })
        )
    );
    await page.click(`[data-example="${name}"] .acegate-open`);
    await page.waitForFunction((name) => {
      const query = document.querySelector('.graphiql-query-editor .CodeMirror');
      return query && query.CodeMirror.operationName === name;
    }, name);
    await page.click('.graphiql-execute-button');
    const url = await subscribed;
    step(`${name} subscribed over ${url}`);
    await startReviewOfTheLondonPortfolioRecord();
    const answer = await page.waitForFunction(() => {
      const element = document.querySelector('.result-window .CodeMirror');
      const text = element ? element.CodeMirror.getValue() : '';
      return text.includes('"errors"') || text.includes('O1000015') ? text : false;
    });
    const event = JSON.parse(await answer.jsonValue());
    if (event.errors) throw new Error(`${name} answered errors: ${JSON.stringify(event.errors)}`);
    const { opportunity, previousStatus, status } = event.data.opportunityEvents;
    if (status !== 'IN_REVIEW') throw new Error(`${name} showed ${JSON.stringify(event)}`);
    step(`${name} showed ${opportunity.reference} going ${previousStatus} -> ${status} (a reviewer's startReview)`);
    await page.click('.graphiql-execute-button'); // stops the subscription
  }

  await page.click('[data-example="PartnerPipeline"] .acegate-open');
  await page.waitForSelector('.graphiql-tab-active >> text=PartnerPipeline');

  if (process.env.PLAYGROUND_SCREENSHOT) {
    await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });
    step(`screenshot saved to ${process.env.PLAYGROUND_SCREENSHOT}`);
  }
  if (problems.length > 0) throw new Error(`the page reported problems:\n  ${problems.join('\n  ')}`);
  step('no console errors, no blocked content, nothing loaded from another origin');
} catch (error) {
  failed = true;
  console.error(`not ok - ${error.message}`);
  for (const problem of problems) console.error(`  ${problem}`);
} finally {
  await context.close();
}

if (failed) {
  process.exit(1);
}
console.log('playground check passed');
