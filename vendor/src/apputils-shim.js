// The two things our bundle's packages take from @jupyterlab/apputils. Importing
// the package's index would pull in its whole UI kit (icons, dialogs, toolbars).
// The sanitizer is made lazily: our outputs are trusted, so it is rarely needed,
// and loading its HTML and CSS parsers costs start-up time.
export { WidgetTracker } from '@jupyterlab/apputils/lib/widgettracker';

export class Sanitizer {
  constructor(options) {
    let real = null;
    const load = () => {
      if (real === null) {
        // esbuild turns this require into a lazily run module.
        const { Sanitizer: Real } = require('@jupyterlab/apputils/lib/sanitizer');
        real = new Real(options);
      }
      return real;
    };
    return new Proxy({}, {
      get(_target, name) {
        const target = load();
        const value = target[name];
        return typeof value === 'function' ? value.bind(target) : value;
      },
      set(_target, name, value) {
        load()[name] = value;
        return true;
      },
      has(_target, name) {
        return name in load();
      },
    });
  }
}
