// Bundle the course's light Voila front end (src/voila-kurs.js) with esbuild.
// Run by `make vendor` (tools/vendor_assets.py); the output is not committed.
import path from 'node:path';
import { build } from 'esbuild';

const [outdir] = process.argv.slice(2);
if (!outdir) {
  console.error('Bruk: node build.mjs <utmappe>');
  process.exit(2);
}

// Our kernels run ipywidgets 8, so the bundled ipywidgets 7 packages are never used.
const noWidgets7 = {
  name: 'no-widgets7',
  setup(b) {
    b.onResolve({ filter: /^@jupyter-widgets\/(base7|controls7)(\/.*)?$/ }, (args) => ({
      path: args.path,
      namespace: 'widgets7-stub',
    }));
    b.onLoad({ filter: /.*/, namespace: 'widgets7-stub' }, (args) => ({
      contents: args.path.endsWith('.css') ? '' : 'module.exports = {};',
      loader: args.path.endsWith('.css') ? 'css' : 'js',
    }));
  },
};

// CSS from JupyterLab packages imports other packages as `~package/...` (webpack style).
const tildeImports = {
  name: 'tilde-imports',
  setup(b) {
    b.onResolve({ filter: /^~/ }, (args) => b.resolve(args.path.slice(1), { kind: args.kind, resolveDir: args.resolveDir }));
  },
};

// Only the sanitizer and the widget tracker of @jupyterlab/apputils and the kernel
// client of @jupyterlab/services are used, and HTML sanitizers are loaded on
// first use (see the shims in src/).
const slimImports = {
  name: 'slim-imports',
  setup(b) {
    b.onResolve({ filter: /^@jupyterlab\/apputils$/ }, () => ({ path: path.resolve('src/apputils-shim.js') }));
    b.onResolve({ filter: /^@jupyterlab\/services$/ }, () => ({ path: path.resolve('src/services-shim.js') }));
    b.onResolve({ filter: /^sanitize-html$/ }, (args) =>
      args.importer.includes('@jupyter-widgets/base-manager') ? { path: path.resolve('src/sanitize-html-lazy.js') } : undefined);
  },
};

await build({
  entryPoints: { 'voila-kurs': 'src/voila-kurs.js' },
  bundle: true,
  minify: true,
  format: 'iife',
  target: 'es2019',
  outdir,
  sourcemap: false,
  legalComments: 'linked',
  banner: { js: 'performance.mark("kurs-eval-start");' },
  define: { 'process.env.NODE_ENV': '"production"' },
  loader: { '.woff': 'file', '.woff2': 'file', '.ttf': 'file', '.eot': 'file', '.svg': 'file', '.png': 'file', '.gif': 'file' },
  plugins: [noWidgets7, tildeImports, slimImports],
  logLevel: 'warning',
});
