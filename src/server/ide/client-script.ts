/**
 * The browser side of the IDE, plain ES2017 (it is sent as is): a GraphiQL fetcher that sends the
 * token typed into the page as `Authorization: Bearer …` over HTTP, and as
 * `connectionParams.authorization` to graphql-ws for subscriptions, on the page's own origin.
 * The token stays in the browser's localStorage.
 */
export const IDE_CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var TOKEN_KEY = 'smart-account-access:token';
  var endpoint = location.origin + location.pathname;
  var wsEndpoint = endpoint.replace(/^http/, 'ws');
  var input = document.getElementById('token');
  input.value = localStorage.getItem(TOKEN_KEY) || '';
  input.addEventListener('input', function () {
    localStorage.setItem(TOKEN_KEY, token());
  });

  function token() {
    return input.value.trim().replace(/^bearer\s+/i, '');
  }

  var ws = null;
  var wsToken = null;
  function wsClient() {
    var current = token();
    if (ws !== null && wsToken === current) return ws;
    if (ws !== null) ws.dispose();
    wsToken = current;
    ws = graphqlWs.createClient({
      url: wsEndpoint,
      lazy: true,
      connectionParams: current ? { authorization: 'Bearer ' + current } : {},
    });
    return ws;
  }

  // From the text sent, not GraphiQL's parsed document, which may lag behind the editor.
  function isSubscription(params) {
    var text = params.query.replace(/#[^\n]*/g, '');
    if (!params.operationName) return /^\s*subscription\b/.test(text);
    return new RegExp('\\bsubscription\\s+' + params.operationName + '\\b').test(text);
  }

  function fetcher(params, options) {
    if (isSubscription(params)) return wsClient().iterate(params);
    var headers = Object.assign({ 'content-type': 'application/json' }, (options && options.headers) || {});
    if (token()) headers.authorization = 'Bearer ' + token();
    return fetch(endpoint, { method: 'POST', headers: headers, body: JSON.stringify(params) }).then(
      function (response) { return response.json(); },
    );
  }

  var Component = GraphiQL.GraphiQL || GraphiQL;
  ReactDOM.createRoot(document.getElementById('graphiql')).render(
    React.createElement(Component, { fetcher: fetcher, defaultQuery: '{ me { userId email name } }\n' }),
  );
})();
`;
