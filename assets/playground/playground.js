// The acegate playground: GraphiQL with an "acegate" side panel that signs in with an email and a password (the
// `login` mutation), keeps the tokens in this page's memory only, sends `Authorization: Bearer <accessToken>` with
// every tab's requests, refreshes the access token (`refreshToken`) shortly before it expires and signs out
// (`logout`); a footer under each result shows the operation's cost (`extensions.cost`) and copies or downloads
// any list in the result as CSV. The panel also opens the saved example operations.
// index.html loads it after the React, ReactDOM and GraphiQL browser builds. It is a file rather than an inline
// script so that the page runs under `script-src 'self'`.
(function () {
  'use strict';

  const h = React.createElement;
  // GraphiQL's UMD build exposes @graphiql/react (the editor and plugin hooks) as `GraphiQL.React`.
  const GraphiQLReact = GraphiQL.React;
  const root = document.getElementById('graphiql');

  const PREFERRED_LOGIN = 'partner-advanced@acegate.example.com';

  // An access token is refreshed a minute before it expires (a quarter of its lifetime when that is shorter).
  const REFRESH_MARGIN_MS = 60 * 1000;

  const numbers = new Intl.NumberFormat('en');

  function timeOf(instant) {
    return new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  }

  // Runs one of the panel's own operations (assets/playground/session.graphql, served as `sessionDocument`).
  async function post(data, operationName, variables, accessToken) {
    const headers = { 'content-type': 'application/json', accept: 'application/json' };
    if (accessToken) headers.authorization = `Bearer ${accessToken}`;
    const response = await fetch(data.graphqlPath, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: data.sessionDocument, operationName, variables }),
    });
    const body = await response.json();
    if (body.errors && body.errors.length > 0) {
      throw new Error(body.errors[0].message);
    }
    // The server's clock, so that a token's expiry is measured from the server's time and not this computer's.
    const serverNow = Date.parse(response.headers.get('date'));
    return { data: body.data, serverNow: Number.isNaN(serverNow) ? Date.now() : serverNow };
  }

  // The signed-in accounts of this page, in memory only: a reload forgets them. One is current: its access token
  // goes with every request GraphiQL sends. Each account's access token is refreshed before it expires, by a timer
  // and, since browsers slow the timers of a background tab, also before a request when it is due.
  function createAuth(data) {
    const sessions = new Map();
    const listeners = new Set();
    let current = null;

    const notify = (event) => listeners.forEach((listener) => listener(event));

    function accept(email, payload, serverNow) {
      if (!payload || !payload.accessToken) {
        const problem = payload && payload.userErrors.length > 0 ? payload.userErrors[0].message : 'no token';
        throw new Error(problem);
      }
      const existing = sessions.get(email);
      const session = existing || { email, refreshes: 0 };
      clearTimeout(session.timer);
      session.accessToken = payload.accessToken;
      session.refreshToken = payload.refreshToken;
      // When the token expires by this computer's clock, however far it is from the server's.
      session.obtainedAt = Date.now();
      session.expiresAt = session.obtainedAt + (Date.parse(payload.expiresAt) - serverNow);
      session.user = payload.user;
      session.timer = setTimeout(() => refresh(session).catch(() => {}), Math.max(0, refreshAt(session) - Date.now()));
      sessions.set(email, session);
      return session;
    }

    function refreshAt(session) {
      const margin = Math.min(REFRESH_MARGIN_MS, (session.expiresAt - session.obtainedAt) / 4);
      return session.expiresAt - margin;
    }

    function forget(session) {
      clearTimeout(session.timer);
      sessions.delete(session.email);
      if (current === session) current = null;
    }

    // One refresh at a time per account: a refresh token is single-use, and reusing one ends the session.
    function refresh(session) {
      if (!session.refreshing) {
        session.refreshing = post(data, 'PlaygroundRefresh', { refreshToken: session.refreshToken })
          .then(({ data: body, serverNow }) => {
            // Signed out meanwhile: the new tokens are not kept.
            if (sessions.get(session.email) !== session) return session;
            accept(session.email, body.refreshToken, serverNow);
            session.refreshes += 1;
            notify({ kind: 'refreshed', session });
            return session;
          })
          .catch((error) => {
            if (sessions.get(session.email) === session) {
              forget(session);
              notify({ kind: 'ended', session, message: `${session.email}: ${error.message}; sign in again` });
            }
            throw error;
          })
          .finally(() => {
            session.refreshing = null;
          });
      }
      return session.refreshing;
    }

    async function fresh(session) {
      return Date.now() >= refreshAt(session) ? refresh(session) : session;
    }

    async function signIn(email, password) {
      const { data: body, serverNow } = await post(data, 'PlaygroundSignIn', { email, password });
      current = accept(email, body.login, serverNow);
      notify({ kind: 'signed-in', session: current });
      return current;
    }

    return {
      subscribe(listener) {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      current: () => current,
      signIn,
      // Makes a demo account current, signing in only when this page holds no session for it yet (sign-ins per
      // address are rate-limited).
      async use(email) {
        const held = sessions.get(email);
        if (held) {
          current = await fresh(held);
          notify({ kind: 'signed-in', session: current });
          return current;
        }
        return signIn(email, data.demoPassword);
      },
      // The `Authorization` value for the next request: the current account's access token, refreshed first when
      // it is due; none when nobody is signed in.
      async authorization() {
        if (!current) return null;
        try {
          const session = await fresh(current);
          return `Bearer ${session.accessToken}`;
        } catch {
          return null;
        }
      },
      // `logout` for every account this page holds (it ends that account's sessions everywhere), then forgets them.
      async signOut() {
        const held = [...sessions.values()];
        const failures = [];
        for (const session of held) {
          try {
            const live = await fresh(session);
            await post(data, 'PlaygroundSignOut', {}, live.accessToken);
          } catch (error) {
            failures.push(`${session.email}: ${error.message}`);
          }
          forget(session);
        }
        current = null;
        notify({ kind: 'signed-out', failures });
        return { accounts: held.map((session) => session.email), failures };
      },
    };
  }

  // ---- CSV (RFC 4180): a header row, then one row per item; nested objects become dotted columns. ----

  // Every list of objects in a result, outermost first: a connection's `nodes`, its `edges` (as their `node`s), or
  // any other list of objects. Lists inside a list's items belong to those items and are not offered on their own.
  function listsIn(value, path, found) {
    if (Array.isArray(value)) {
      const items = value.filter((item) => item !== null);
      const objects = items.length > 0 && items.every((item) => typeof item === 'object' && !Array.isArray(item));
      if (objects) {
        const edges = path[path.length - 1] === 'edges' && items.every((item) => 'node' in item);
        found.push({
          path: edges ? [...path, 'node'].join('.') : path.join('.'),
          rows: edges ? value.map((edge) => edge && edge.node) : value,
        });
      }
      return found;
    }
    if (value !== null && typeof value === 'object') {
      for (const key of Object.keys(value)) listsIn(value[key], [...path, key], found);
    }
    return found;
  }

  function flatten(value, prefix, row) {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) flatten(value[key], prefix ? `${prefix}.${key}` : key, row);
    } else if (prefix) {
      row[prefix] = value;
    }
    return row;
  }

  // A text that a spreadsheet would read as a formula (`=`, `+`, `@`, a tab or a carriage return first, or a `-` that
  // does not start a number) gets a leading apostrophe: a record's fields are other people's input.
  function cell(value) {
    if (value === null || value === undefined) return '';
    let text = Array.isArray(value) ? JSON.stringify(value) : String(value);
    if (typeof value === 'string' && (/^[=+@\t\r]/.test(text) || /^-(?!\d+(\.\d+)?$)/.test(text))) {
      text = `'${text}`;
    }
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }

  function toCsv(rows) {
    const flat = rows.map((row) => (row === null ? {} : flatten(row, '', {})));
    const columns = [];
    const seen = new Set();
    for (const row of flat) {
      for (const column of Object.keys(row)) {
        if (!seen.has(column)) {
          seen.add(column);
          columns.push(column);
        }
      }
    }
    const lines = [columns.map(cell).join(',')];
    for (const row of flat) lines.push(columns.map((column) => cell(row[column])).join(','));
    return `${lines.join('\r\n')}\r\n`;
  }

  function download(name, csv) {
    const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 60 * 1000);
  }

  const PlaygroundContext = React.createContext(null);

  function Code(props) {
    return h('code', { className: 'acegate-code' }, props.children);
  }

  // The current account, kept in step with the page's sessions.
  function useSession(auth) {
    const [state, setState] = React.useState({ session: auth.current(), event: null });
    React.useEffect(
      () => auth.subscribe((event) => setState({ session: auth.current(), event })),
      [auth]
    );
    return state;
  }

  function SessionLine(props) {
    const { session } = props;
    const user = session.user ? `${session.user.displayName} (${session.user.role})` : session.email;
    return h(
      'p',
      {
        className: 'acegate-session',
        'data-email': session.email,
        'data-expires-at': new Date(session.expiresAt).toISOString(),
        'data-refreshes': session.refreshes,
      },
      'Signed in as ',
      h('strong', null, user),
      ` <${session.email}>. The access token is valid until ${timeOf(session.expiresAt)} and is refreshed `,
      'before then',
      session.refreshes > 0 ? ` (refreshed ${session.refreshes}×)` : '',
      '.'
    );
  }

  function AcegatePanel() {
    const { data, auth } = React.useContext(PlaygroundContext);
    const editor = GraphiQLReact.useEditorContext({ nonNull: true });
    const { session, event } = useSession(auth);
    const [email, setEmail] = React.useState('');
    const [password, setPassword] = React.useState('');
    const [status, setStatus] = React.useState(null);
    const [busy, setBusy] = React.useState(false);
    // An example waiting for its tab to become the active one (a tab switch lands in a later render).
    const pending = React.useRef(null);

    React.useEffect(() => {
      if (event && event.kind === 'ended') setStatus({ kind: 'error', text: event.message });
    }, [event]);

    const fill = (values) => {
      editor.queryEditor && editor.queryEditor.setValue(values.query);
      editor.variableEditor && editor.variableEditor.setValue(values.variables);
      editor.headerEditor && editor.headerEditor.setValue(values.headers);
    };

    React.useEffect(() => {
      const target = pending.current;
      if (target && editor.activeTabIndex === target.index && editor.tabs.length > target.index) {
        pending.current = null;
        fill(target);
      }
    });

    const run = async (busyText, task) => {
      setBusy(true);
      setStatus({ kind: 'busy', text: busyText });
      try {
        setStatus({ kind: 'ok', text: await task() });
      } catch (error) {
        setStatus({ kind: 'error', text: error.message });
      } finally {
        setBusy(false);
      }
    };

    const signIn = (e) => {
      e.preventDefault();
      run('Signing in…', async () => {
        await auth.signIn(email.trim(), password);
        setPassword('');
        return 'Signed in: every tab now sends the access token.';
      });
    };

    const signOut = () =>
      run('Signing out…', async () => {
        const { accounts, failures } = await auth.signOut();
        if (failures.length > 0) throw new Error(`Signed out here; logout failed for ${failures.join(', ')}`);
        const which = accounts.length === 1 ? accounts[0] : `${accounts.length} accounts`;
        return `Signed out of ${which}: logout ended every session of it, and requests now go without a token.`;
      });

    const fillDemo = (event) => {
      const login = event.target.value;
      if (login) {
        setEmail(login);
        setPassword(data.demoPassword);
      }
    };

    const open = (example) =>
      run('Opening…', async () => {
        if (example.login) await auth.use(example.login);
        const values = { query: example.query, variables: '', headers: '' };
        const index = editor.tabs.findIndex((tab) => tab.title === example.name);
        if (index === editor.activeTabIndex) {
          fill(values);
        } else if (index >= 0) {
          pending.current = Object.assign({ index }, values);
          editor.changeTab(index);
        } else {
          pending.current = Object.assign({ index: editor.tabs.length }, values);
          editor.addTab();
        }
        return example.login
          ? `"${example.title}" is open and runs as ${example.login}; press ▶ to run it.`
          : `"${example.title}" is open; it needs no token.`;
      });

    const demoLogins = data.demoLogins.includes(PREFERRED_LOGIN)
      ? [PREFERRED_LOGIN, ...data.demoLogins.filter((login) => login !== PREFERRED_LOGIN)]
      : data.demoLogins;

    return h(
      'div',
      { className: 'acegate-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'acegate'),
      h(
        'section',
        null,
        h('h3', null, 'Sign in'),
        h(
          'p',
          null,
          'Any account: this runs ',
          h(Code, null, 'login(input: { email, password })'),
          ' and keeps the tokens in this page only (a reload forgets them). Every tab then sends ',
          h(Code, null, 'Authorization: Bearer <accessToken>'),
          ' unless its Headers set their own; the token is renewed with ',
          h(Code, null, 'refreshToken'),
          ' before it expires.'
        ),
        h(
          'form',
          { className: 'acegate-signin', onSubmit: signIn },
          h(
            'label',
            null,
            'Email',
            h('input', {
              className: 'acegate-email',
              type: 'email',
              name: 'email',
              autoComplete: 'username',
              required: true,
              value: email,
              onChange: (e) => setEmail(e.target.value),
            })
          ),
          h(
            'label',
            null,
            'Password',
            h('input', {
              className: 'acegate-password',
              type: 'password',
              name: 'password',
              autoComplete: 'current-password',
              required: true,
              value: password,
              onChange: (e) => setPassword(e.target.value),
            })
          ),
          h(
            'div',
            { className: 'acegate-signin-actions' },
            h(
              'button',
              { type: 'submit', className: 'graphiql-button acegate-signin-button', disabled: busy },
              'Sign in'
            ),
            session &&
              h(
                'button',
                { type: 'button', className: 'graphiql-button acegate-signout-button', disabled: busy, onClick: signOut },
                'Sign out'
              )
          ),
          h(
            'label',
            { className: 'acegate-demo' },
            h('span', null, 'Demo accounts (password ', h(Code, null, data.demoPassword), ')'),
            h(
              'select',
              { className: 'acegate-login', value: '', onChange: fillDemo },
              h('option', { value: '' }, 'Fill in a demo account…'),
              demoLogins.map((login) => h('option', { key: login, value: login }, login))
            )
          )
        ),
        session ? h(SessionLine, { session }) : h('p', { className: 'acegate-session-none' }, 'Not signed in.'),
        status &&
          h(
            'p',
            {
              className: `acegate-status acegate-status-${status.kind}`,
              role: status.kind === 'error' ? 'alert' : 'status',
            },
            status.text
          )
      ),
      h(
        'section',
        null,
        h('h3', null, 'Saved operations'),
        h(
          'p',
          null,
          'Each opens in its own tab and signs in as the demo user it is written for (that account becomes the ',
          'current one). Press ▶ (Ctrl-Enter) to run it.'
        ),
        h(
          'ul',
          { className: 'acegate-examples' },
          data.examples.map((example) =>
            h(
              'li',
              { key: example.name, className: 'acegate-example', 'data-example': example.name },
              h(
                'div',
                { className: 'acegate-example-head' },
                h('strong', null, example.title),
                h(
                  'button',
                  {
                    type: 'button',
                    className: 'graphiql-button acegate-open',
                    disabled: busy,
                    onClick: () => open(example),
                  },
                  'Open'
                )
              ),
              h('div', { className: 'acegate-example-login' }, example.login ? `as ${example.login}` : 'no token needed'),
              h('p', null, example.description)
            )
          )
        )
      ),
      h(
        'p',
        { className: 'acegate-footnote' },
        'Subscriptions run over ',
        h(Code, null, data.subscriptionPath),
        ' with the same headers. GraphiQL and React are MIT-licensed: ',
        h('a', { href: '/playground/assets/LICENSE-graphiql.txt' }, 'GraphiQL'),
        ', ',
        h('a', { href: '/playground/assets/LICENSE-react.txt' }, 'React'),
        '.'
      )
    );
  }

  // Under the result: its cost, and "Copy as CSV" / "Download" for each list it holds.
  function ResultFooter() {
    const editor = GraphiQLReact.useEditorContext({ nonNull: true });
    const tab = editor.tabs[editor.activeTabIndex];
    const text = tab ? tab.response : null;
    const [notice, setNotice] = React.useState(null);
    React.useEffect(() => setNotice(null), [text]);
    const result = React.useMemo(() => {
      try {
        return text ? JSON.parse(text) : null;
      } catch {
        return null;
      }
    }, [text]);
    if (!result || typeof result !== 'object') return null;

    const refused = (result.errors || []).find((error) => error.extensions && error.extensions.cost);
    const cost = (result.extensions && result.extensions.cost) || (refused && refused.extensions.cost);
    const lists = result.data ? listsIn(result.data, [], []) : [];
    if (!cost && lists.length === 0) return null;

    const copy = async (list) => {
      const csv = toCsv(list.rows);
      const what = `${list.rows.length} ${list.rows.length === 1 ? 'row' : 'rows'} of ${list.path}`;
      try {
        if (!navigator.clipboard || !window.isSecureContext) throw new Error('no clipboard');
        await navigator.clipboard.writeText(csv);
        setNotice(`Copied ${what} as CSV.`);
      } catch {
        download(`${list.path}.csv`, csv);
        setNotice(`The clipboard is not available here: downloaded ${what} as ${list.path}.csv instead.`);
      }
    };
    const save = (list) => {
      download(`${list.path}.csv`, toCsv(list.rows));
      setNotice(`Downloaded ${list.rows.length} rows of ${list.path} as ${list.path}.csv.`);
    };

    return h(
      'div',
      { className: 'acegate-result-footer' },
      cost &&
        h(
          'div',
          {
            className: `acegate-cost${refused ? ' acegate-cost-over' : ''}`,
            'data-requested': cost.requested,
            'data-limit': cost.limit,
            title:
              'extensions.cost: what the complexity limit counts for this operation (a list costs its page size × ' +
              'its fields) and the limit',
          },
          refused
            ? `Cost ${numbers.format(cost.requested)}: over the limit of ${numbers.format(cost.limit)}`
            : `Cost ${numbers.format(cost.requested)} of ${numbers.format(cost.limit)}`
        ),
      lists.map((list) =>
        h(
          'div',
          { key: list.path, className: 'acegate-csv', 'data-path': list.path },
          h('span', { className: 'acegate-csv-path' }, `${list.path} (${list.rows.length})`),
          h('button', { type: 'button', className: 'graphiql-button acegate-csv-copy', onClick: () => copy(list) }, 'Copy as CSV'),
          h('button', { type: 'button', className: 'graphiql-button acegate-csv-download', onClick: () => save(list) }, 'Download')
        )
      ),
      notice && h('div', { className: 'acegate-csv-notice', role: 'status' }, notice)
    );
  }

  function AcegateIcon() {
    return h(
      'svg',
      { viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', strokeWidth: 1.5, 'aria-hidden': true },
      h('circle', { cx: 8, cy: 15, r: 4 }),
      h('path', { d: 'M11 12l8-8M16 7l2 2M14 9l2 2' })
    );
  }

  const PLUGIN = { title: 'acegate', icon: AcegateIcon, content: AcegatePanel };
  const PLUGINS = [PLUGIN];

  function hasAuthorization(headers) {
    return Object.keys(headers).some((name) => name.toLowerCase() === 'authorization');
  }

  function App(props) {
    const { data } = props;
    const auth = React.useMemo(() => createAuth(data), [data]);
    const context = React.useMemo(() => ({ data, auth }), [data, auth]);
    const fetcher = React.useMemo(() => {
      const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      const send = GraphiQL.createFetcher({
        url: data.graphqlPath,
        // The headers are sent as the `connection_init` payload, which is where acegate reads them.
        subscriptionUrl: `${scheme}//${window.location.host}${data.subscriptionPath}`,
        enableIncrementalDelivery: false,
      });
      // The current account's token goes with every request, unless the tab's Headers name their own.
      return async (params, options) => {
        const headers = Object.assign({}, options && options.headers);
        if (!hasAuthorization(headers)) {
          const authorization = await auth.authorization();
          if (authorization) headers.Authorization = authorization;
        }
        return send(params, Object.assign({}, options, { headers }));
      };
    }, [data, auth]);
    const defaultTabs = React.useMemo(
      () => data.examples.map((example) => ({ query: example.query, variables: '', headers: '' })),
      [data]
    );
    return h(
      PlaygroundContext.Provider,
      { value: context },
      h(
        GraphiQL,
        {
          fetcher,
          plugins: PLUGINS,
          visiblePlugin: PLUGIN,
          defaultTabs,
          defaultEditorToolsVisibility: 'headers',
          shouldPersistHeaders: false,
        },
        h(GraphiQL.Logo, null, 'acegate'),
        h(GraphiQL.Footer, null, h(ResultFooter))
      )
    );
  }

  async function start() {
    const response = await fetch(root.dataset.playground);
    if (!response.ok) {
      throw new Error(`${root.dataset.playground} answered ${response.status}`);
    }
    const data = await response.json();
    ReactDOM.createRoot(root).render(h(App, { data }));
  }

  start().catch((error) => {
    root.textContent = `The playground could not start (${error.message}). The API itself is at /graphql.`;
  });
})();
