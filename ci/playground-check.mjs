// Drives the playground in headless Chromium; run by ci/playground-check.sh, which starts acegate and installs
// playwright-core into a temporary folder. Prints one line per step; exits non-zero at the first failure.
import { mkdirSync, readFileSync } from 'node:fs';
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

// RFC 4180, written independently of the page's encoder: what "Copy as CSV" of `rows` must produce when no value
// needs the page's formula guard.
function expectedCsv(rows) {
  const flatten = (value, prefix, row) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [key, inner] of Object.entries(value)) flatten(inner, prefix ? `${prefix}.${key}` : key, row);
    } else {
      row[prefix] = value;
    }
    return row;
  };
  const flat = rows.map((row) => flatten(row, '', {}));
  const columns = [...new Set(flat.flatMap((row) => Object.keys(row)))];
  const quote = (value) => {
    const text = value === null || value === undefined ? '' : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  return [columns, ...flat.map((row) => columns.map((column) => row[column]))]
    .map((line) => line.map(quote).join(','))
    .map((line) => `${line}\r\n`)
    .join('');
}

// The result pane's text once it holds a result (or errors).
async function resultText(page, marker = '"data"') {
  const handle = await page.waitForFunction(
    (marker) => {
      const element = document.querySelector('.result-window .CodeMirror');
      const text = element ? element.CodeMirror.getValue() : '';
      return text.includes(marker) || text.includes('"errors"') ? text : false;
    },
    marker,
    { timeout }
  );
  return handle.jsonValue();
}

// Sets the active tab's query and waits until GraphiQL has settled its operation name (100 ms after an edit).
async function setQuery(page, query, name) {
  await page.evaluate((query) => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(query);
  }, query);
  await page.waitForFunction((name) => {
    const editor = document.querySelector('.graphiql-query-editor .CodeMirror');
    return editor && editor.CodeMirror.operationName === name;
  }, name);
}

// Signs in through the panel's form, typing the email and the password like a person.
async function signInWithTheForm(page, email, password) {
  await page.fill('.acegate-email', email);
  await page.fill('.acegate-password', password);
  await page.click('.acegate-signin-button');
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
  // Every GraphQL request the page sends: its operation name and its Authorization header.
  const sent = [];
  const watch = (page) => {
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console error: ${message.text()}`);
    });
    page.on('request', (request) => {
      const url = request.url();
      if (!url.startsWith(origin) && !url.startsWith(wsOrigin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
        problems.push(`request to another origin: ${url}`);
      }
      if (url.startsWith(`${origin}/graphql`) && request.method() === 'POST') {
        const body = request.postDataJSON() ?? {};
        sent.push({ page, operation: body.operationName ?? null, authorization: request.headers().authorization ?? null });
      }
    });
  };
  watch(page);
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });

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

  // The sign-in form: a wrong password shows the API's message and signs nobody in.
  await signInWithTheForm(page, 'partner-advanced@acegate.example.com', 'not-the-password');
  const refusal = await page.waitForSelector('.acegate-status-error');
  step(`sign-in form, wrong password: "${await refusal.innerText()}"`);
  if (await page.locator('.acegate-session').count()) throw new Error('a wrong password signed someone in');

  // A demo account's email and password, typed into the form: `login`, then the token stays in the page's memory.
  await signInWithTheForm(page, 'partner-advanced@acegate.example.com', 'demo-password');
  await page.waitForSelector('.acegate-status-ok');
  const session = await page.waitForSelector('.acegate-session[data-email="partner-advanced@acegate.example.com"]');
  step(`sign-in form: ${await session.innerText()}`);
  const headers = await page.evaluate(() => {
    const editors = [...document.querySelectorAll('.graphiql-editor-tool .CodeMirror')];
    return editors.map((element) => element.CodeMirror.getValue()).join('\n');
  });
  if (/Bearer/.test(headers)) throw new Error(`the token was written into the Headers editor: ${headers}`);
  step('the token is kept in memory, not written into the Headers editor');

  // A query of one's own in a new tab: it carries the token, and the result shows its cost and offers CSV.
  await page.click('.graphiql-tab-add');
  await setQuery(
    page,
    'query CostAndCsv { opportunities(first: 3, orderBy: { field: REFERENCE }) { totalCount nodes { reference status useCase customer { legalName country } } } }',
    'CostAndCsv'
  );
  await page.click('.graphiql-execute-button');
  const own = JSON.parse(await resultText(page));
  if (own.errors) throw new Error(`CostAndCsv answered errors: ${JSON.stringify(own.errors)}`);
  const request = sent.findLast((entry) => entry.operation === 'CostAndCsv');
  if (!request || !/^Bearer ey/.test(request.authorization ?? '')) {
    throw new Error(`CostAndCsv went with Authorization ${request && request.authorization}`);
  }
  step(`CostAndCsv went with Authorization: Bearer ${request.authorization.slice(7, 17)}… and answered ${own.data.opportunities.totalCount} records`);

  // 3 × (totalCount + nodes + reference + status + useCase + customer + legalName + country) = 24.
  const expectedCost = { requested: 24, limit: 5000 };
  if (JSON.stringify(own.extensions && own.extensions.cost) !== JSON.stringify(expectedCost)) {
    throw new Error(`extensions.cost is ${JSON.stringify(own.extensions)}, not ${JSON.stringify(expectedCost)}`);
  }
  const costShown = await page.waitForSelector('.graphiql-response .acegate-cost');
  const costText = await costShown.innerText();
  if (costText !== 'Cost 24 of 5,000') throw new Error(`the cost display reads "${costText}"`);
  step(`the result shows its cost next to it: "${costText}" (extensions.cost = ${JSON.stringify(own.extensions.cost)})`);

  const rows = own.data.opportunities.nodes;
  const csv = expectedCsv(rows);
  if (!csv.includes('"')) throw new Error('the sample should need RFC 4180 quoting (a use case with a comma)');
  const list = page.locator('.acegate-csv[data-path="opportunities.nodes"]');
  const downloadWhileCopying = page.waitForEvent('download', { timeout: 5_000 }).catch(() => null);
  await list.locator('.acegate-csv-copy').click();
  const notice = await (await page.waitForSelector('.acegate-csv-notice')).innerText();
  let copied;
  if (notice.startsWith('Copied')) {
    copied = await page.evaluate(() => navigator.clipboard.readText());
  } else {
    const download = await downloadWhileCopying;
    if (!download) throw new Error(`"Copy as CSV" neither copied nor downloaded: ${notice}`);
    copied = readFileSync(await download.path(), 'utf8');
  }
  if (copied !== csv) throw new Error(`"Copy as CSV" produced\n${copied}\ninstead of\n${csv}`);
  step(`"Copy as CSV": ${notice} ${rows.length + 1} lines, header ${csv.split('\r\n')[0]}`);
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    list.locator('.acegate-csv-download').click(),
  ]);
  const downloaded = readFileSync(await download.path(), 'utf8');
  if (downloaded !== csv || download.suggestedFilename() !== 'opportunities.nodes.csv') {
    throw new Error(`the download ${download.suggestedFilename()} holds\n${downloaded}`);
  }
  step(`"Download" saved ${download.suggestedFilename()} with the same CSV`);

  // A query over the complexity limit: refused, and the footer says by how much. 100 × (nodes + 100 × (nodes + id)).
  await setQuery(
    page,
    'query TooCostly { partners(first: 100) { nodes { opportunities(first: 100) { nodes { id } } } } }',
    'TooCostly'
  );
  await page.click('.graphiql-execute-button');
  const tooCostly = JSON.parse(await resultText(page, 'QUERY_TOO_COMPLEX'));
  if (tooCostly.errors[0].extensions.code !== 'QUERY_TOO_COMPLEX') throw new Error(JSON.stringify(tooCostly));
  const over = await (await page.waitForSelector('.graphiql-response .acegate-cost-over')).innerText();
  if (over !== 'Cost 20,100: over the limit of 5,000') throw new Error(`a refused query shows "${over}"`);
  step(`a query over the limit is refused with QUERY_TOO_COMPLEX and shows "${over}"`);

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
    const cost = await page.locator('.graphiql-response .acegate-cost').innerText();
    if (cost !== `Cost ${result.extensions.cost.requested.toLocaleString('en')} of 5,000`) {
      throw new Error(`${name} shows "${cost}" for ${JSON.stringify(result.extensions)}`);
    }
    step(`${name} ran from the panel: ${Object.keys(result.data).join(', ')} (${cost})`);
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
    const cost = await page.locator('.graphiql-response .acegate-cost').innerText();
    if (!event.extensions || !event.extensions.cost) throw new Error(`${name}'s event has no cost: ${JSON.stringify(event)}`);
    step(
      `${name} showed ${opportunity.reference} going ${previousStatus} -> ${status} (a reviewer's startReview; ` +
        `the event shows "${cost}")`
    );
    await page.click('.graphiql-execute-button'); // stops the subscription
  }

  await page.click('[data-example="PartnerPipeline"] .acegate-open');
  await page.waitForSelector('.graphiql-tab-active >> text=PartnerPipeline');

  if (process.env.PLAYGROUND_SCREENSHOT) {
    await page.screenshot({ path: process.env.PLAYGROUND_SCREENSHOT });
    step(`screenshot saved to ${process.env.PLAYGROUND_SCREENSHOT}`);
  }

  // Token refresh and sign-out, on a fresh page whose clock the check moves: 14½ minutes after signing in (a minute
  // before the 15-minute token expires) the page renews it with `refreshToken`, and sends the new one.
  const clocked = await context.newPage();
  clocked.setDefaultTimeout(timeout);
  watch(clocked);
  await page.close();
  await clocked.clock.install();
  await clocked.goto(`${base}/`, { waitUntil: 'load' });
  await clocked.waitForSelector('.acegate-panel');
  await signInWithTheForm(clocked, 'reviewer@acegate.example.com', 'demo-password');
  const before = await clocked.waitForSelector('.acegate-session[data-email="reviewer@acegate.example.com"]');
  const expiresAt = Date.parse(await before.getAttribute('data-expires-at'));
  const firstToken = sent.findLast((entry) => entry.page === clocked && entry.operation === 'PlaygroundSignIn');
  if (!firstToken) throw new Error('the form sent no PlaygroundSignIn');
  await clocked.click('.graphiql-tab-add');
  await setQuery(clocked, 'query Whoami { viewer { email role } }', 'Whoami');
  await clocked.click('.graphiql-execute-button');
  await resultText(clocked, 'reviewer@acegate.example.com');
  const tokenBefore = sent.findLast((entry) => entry.page === clocked && entry.operation === 'Whoami').authorization;
  await clocked.clock.fastForward(Math.round(expiresAt - Date.now() - 30 * 1000));
  const after = await clocked.waitForSelector('.acegate-session[data-refreshes="1"]');
  if (!sent.some((entry) => entry.page === clocked && entry.operation === 'PlaygroundRefresh')) {
    throw new Error('the page did not send PlaygroundRefresh');
  }
  step(`token refresh: 30 s before expiry (page clock moved forward) the page ran refreshToken: ${await after.innerText()}`);
  await clocked.evaluate(() => {
    document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue('query Whoami { viewer { email } }');
  });
  await clocked.waitForTimeout(300);
  await clocked.click('.graphiql-execute-button');
  await clocked.waitForFunction(() => {
    const text = document.querySelector('.result-window .CodeMirror').CodeMirror.getValue();
    return text.includes('"email"') && !text.includes('"role"');
  });
  const tokenAfter = sent.findLast((entry) => entry.page === clocked && entry.operation === 'Whoami').authorization;
  if (!tokenAfter || tokenAfter === tokenBefore) throw new Error('the query after the refresh did not send the new token');
  step('the next query went with the renewed access token');

  await clocked.click('.acegate-signout-button');
  await clocked.waitForSelector('.acegate-session-none');
  const logout = sent.findLast((entry) => entry.page === clocked && entry.operation === 'PlaygroundSignOut');
  if (!logout || logout.authorization !== tokenAfter) throw new Error('sign-out did not run logout with the current token');
  const refused = await fetch(`${base}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: tokenAfter },
    body: JSON.stringify({ query: '{ viewer { email } }' }),
  }).then((response) => response.json());
  if (!refused.errors || refused.errors[0].extensions.code !== 'UNAUTHENTICATED') {
    throw new Error(`the token still works after sign-out: ${JSON.stringify(refused)}`);
  }
  step(`sign-out ran logout: ${await clocked.locator('.acegate-status').innerText()} The old token is refused.`);

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
