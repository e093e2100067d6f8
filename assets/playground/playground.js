// The acegate playground: GraphiQL with an "acegate" side panel that signs in as a demo user (the `login`
// mutation, then the `Authorization: Bearer <accessToken>` header) and opens the saved example operations.
// index.html loads it after the React, ReactDOM and GraphiQL browser builds. It is a file rather than an inline
// script so that the page runs under `script-src 'self'`.
(function () {
  'use strict';

  const h = React.createElement;
  // GraphiQL's UMD build exposes @graphiql/react (the editor and plugin hooks) as `GraphiQL.React`.
  const GraphiQLReact = GraphiQL.React;
  const root = document.getElementById('graphiql');

  const LOGIN = `mutation PlaygroundSignIn($email: String!, $password: String!) {
  login(input: { email: $email, password: $password }) {
    accessToken
    expiresAt
    user { displayName role }
    userErrors { code message }
  }
}`;

  const PREFERRED_LOGIN = 'partner-advanced@acegate.example.com';

  function authorizationHeaders(token) {
    return JSON.stringify({ Authorization: `Bearer ${token}` }, null, 2);
  }

  function timeOf(instant) {
    return new Date(instant).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  }

  // Signs in through the API, like any client; reuses a token while it has more than a minute left, so that
  // opening several examples does not spend the per-IP sign-in allowance.
  function createSessions(data) {
    const cache = new Map();
    return {
      async signIn(email) {
        const cached = cache.get(email);
        if (cached && Date.parse(cached.expiresAt) - Date.now() > 60 * 1000) {
          return cached;
        }
        const response = await fetch(data.graphqlPath, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json' },
          body: JSON.stringify({
            query: LOGIN,
            operationName: 'PlaygroundSignIn',
            variables: { email, password: data.demoPassword },
          }),
        });
        const body = await response.json();
        if (body.errors && body.errors.length > 0) {
          throw new Error(body.errors[0].message);
        }
        const login = body.data && body.data.login;
        if (!login || !login.accessToken) {
          const problem = login && login.userErrors.length > 0 ? login.userErrors[0].message : 'no token';
          throw new Error(`sign-in as ${email} failed: ${problem}`);
        }
        const session = { email, token: login.accessToken, expiresAt: login.expiresAt, user: login.user };
        cache.set(email, session);
        return session;
      },
    };
  }

  const PlaygroundContext = React.createContext(null);

  function Code(props) {
    return h('code', { className: 'acegate-code' }, props.children);
  }

  function AcegatePanel() {
    const { data, sessions, setDefaultHeaders } = React.useContext(PlaygroundContext);
    const editor = GraphiQLReact.useEditorContext({ nonNull: true });
    const initialLogin = data.demoLogins.includes(PREFERRED_LOGIN) ? PREFERRED_LOGIN : data.demoLogins[0];
    const [login, setLogin] = React.useState(initialLogin);
    const [status, setStatus] = React.useState(null);
    const [busy, setBusy] = React.useState(false);
    // An example waiting for its tab to become the active one (a tab switch lands in a later render).
    const pending = React.useRef(null);

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

    const signedIn = (session, where) => {
      const user = session.user ? `${session.user.displayName} (${session.user.role})` : session.email;
      setStatus({ kind: 'ok', text: `Signed in as ${user} until ${timeOf(session.expiresAt)}: ${where}.` });
    };

    const run = async (task) => {
      setBusy(true);
      setStatus({ kind: 'busy', text: 'Signing in…' });
      try {
        await task();
      } catch (error) {
        setStatus({ kind: 'error', text: error.message });
      } finally {
        setBusy(false);
      }
    };

    const signIn = () =>
      run(async () => {
        const session = await sessions.signIn(login);
        const headers = authorizationHeaders(session.token);
        if (editor.headerEditor) {
          editor.headerEditor.setValue(headers);
        } else {
          editor.updateActiveTabValues({ headers });
        }
        setDefaultHeaders(headers);
        signedIn(session, "this tab's Headers carry the token, and so will new tabs");
      });

    const open = (example) =>
      run(async () => {
        let headers = '';
        let session = null;
        if (example.login) {
          session = await sessions.signIn(example.login);
          headers = authorizationHeaders(session.token);
        }
        const values = { query: example.query, variables: '', headers };
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
        if (session) {
          signedIn(session, `"${example.title}" is open with the token in its Headers; press ▶ to run it`);
        } else {
          setStatus({ kind: 'ok', text: `"${example.title}" is open; it needs no token.` });
        }
      });

    return h(
      'div',
      { className: 'acegate-panel' },
      h('div', { className: 'graphiql-doc-explorer-title' }, 'acegate'),
      h(
        'section',
        null,
        h('h3', null, 'Sign in as a demo user'),
        h(
          'p',
          null,
          'The API takes a bearer token. Signing in runs ',
          h(Code, null, 'login(input: { email, password })'),
          ' with the demo password ',
          h(Code, null, data.demoPassword),
          ' and puts ',
          h(Code, null, '{"Authorization": "Bearer <accessToken>"}'),
          ' into the Headers tab below the query. Access tokens are short-lived (15 minutes by default): sign in ',
          'again when a query answers UNAUTHENTICATED.'
        ),
        h(
          'div',
          { className: 'acegate-signin' },
          h(
            'select',
            {
              className: 'acegate-login',
              'aria-label': 'Demo login',
              value: login,
              onChange: (event) => setLogin(event.target.value),
            },
            data.demoLogins.map((email) => h('option', { key: email, value: email }, email))
          ),
          h(
            'button',
            { type: 'button', className: 'graphiql-button acegate-signin-button', disabled: busy, onClick: signIn },
            'Sign in'
          )
        ),
        status &&
          h('p', { className: `acegate-status acegate-status-${status.kind}`, role: 'status' }, status.text)
      ),
      h(
        'section',
        null,
        h('h3', null, 'Saved operations'),
        h(
          'p',
          null,
          'Each opens in its own tab, signed in as the demo user it is written for. Press ▶ (Ctrl-Enter) to run it.'
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

  function App(props) {
    const { data } = props;
    const [defaultHeaders, setDefaultHeaders] = React.useState('');
    const context = React.useMemo(() => ({ data, sessions: createSessions(data), setDefaultHeaders }), [data]);
    const fetcher = React.useMemo(() => {
      const scheme = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
      return GraphiQL.createFetcher({
        url: data.graphqlPath,
        // The headers of the tab are sent as the `connection_init` payload, which is where acegate reads them.
        subscriptionUrl: `${scheme}//${window.location.host}${data.subscriptionPath}`,
        enableIncrementalDelivery: false,
      });
    }, [data]);
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
          defaultHeaders,
          defaultEditorToolsVisibility: 'headers',
          shouldPersistHeaders: false,
        },
        h(GraphiQL.Logo, null, 'acegate')
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
