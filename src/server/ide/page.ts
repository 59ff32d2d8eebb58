import { IDE_ASSET_PATH } from './assets';
import { IDE_CLIENT_SCRIPT } from './client-script';

const STYLE = `
  html, body { height: 100%; margin: 0; }
  body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; }
  #auth { display: flex; gap: 0.5rem; align-items: center; padding: 0.4rem 0.8rem; border-bottom: 1px solid #ddd; }
  #auth input { flex: 1; font-family: monospace; padding: 0.3rem; }
  #graphiql { flex: 1; min-height: 0; }
`;

/** GraphiQL on its own page: every script and style comes from this server's `/ide/` files. */
export const IDE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Smart Account access · GraphiQL</title>
<link rel="stylesheet" href="${IDE_ASSET_PATH}graphiql.css">
<style>${STYLE}</style>
</head>
<body>
<div id="auth">
  <label for="token">Bearer token</label>
  <input id="token" type="password" autocomplete="off" spellcheck="false" placeholder="paste the output of npm run token">
</div>
<div id="graphiql">Loading GraphiQL…</div>
<script src="${IDE_ASSET_PATH}react.js"></script>
<script src="${IDE_ASSET_PATH}react-dom.js"></script>
<script src="${IDE_ASSET_PATH}graphql-ws.js"></script>
<script src="${IDE_ASSET_PATH}graphiql.js"></script>
<script>${IDE_CLIENT_SCRIPT}</script>
</body>
</html>
`;
