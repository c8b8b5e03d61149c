// The fixtures in one import for specs that need several.
export { accounts, baseURL } from './env.js';
export { words } from './locators.js';
