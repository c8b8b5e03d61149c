// Starts the WASM app. A separate module because the server's CSP forbids inline scripts.
import init from '/guichet_frontend.js';

init({ module_or_path: '/guichet_frontend_bg.wasm' }).catch((error) => {
  const note = document.getElementById('boot');
  if (note) {
    note.textContent = 'Guichet n’a pas pu démarrer. / Guichet could not start.';
  }
  console.error(error);
});
