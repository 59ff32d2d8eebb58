import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** A file of an npm package, served to the IDE's page as is: nothing is fetched from another host. */
interface IdeAsset {
  packageName: string;
  file: string;
  contentType: string;
}

const JS = 'text/javascript; charset=utf-8';

/** By the name the page asks for under `/ide/`. React 18 is the last React with UMD builds. */
export const IDE_ASSETS: Readonly<Record<string, IdeAsset>> = {
  'react.js': { packageName: 'react', file: 'umd/react.production.min.js', contentType: JS },
  'react-dom.js': { packageName: 'react-dom', file: 'umd/react-dom.production.min.js', contentType: JS },
  'graphiql.js': { packageName: 'graphiql', file: 'graphiql.min.js', contentType: JS },
  'graphiql.css': {
    packageName: 'graphiql',
    file: 'graphiql.min.css',
    contentType: 'text/css; charset=utf-8',
  },
  'graphql-ws.js': { packageName: 'graphql-ws', file: 'umd/graphql-ws.min.js', contentType: JS },
};

export const IDE_ASSET_PATH = '/ide/';

const packageDir = (name: string): string => path.dirname(require.resolve(`${name}/package.json`));

const loaded = new Map<string, Promise<Buffer>>();

/** The asset's bytes, read once (the files are installed, so they do not change while serving). */
export function readIdeAsset(asset: IdeAsset): Promise<Buffer> {
  const file = path.join(packageDir(asset.packageName), asset.file);
  let bytes = loaded.get(file);
  if (bytes === undefined) {
    bytes = readFile(file);
    bytes.catch(() => loaded.delete(file));
    loaded.set(file, bytes);
  }
  return bytes;
}
