/** esbuild bundles imported stylesheets into dashboard.css next to dashboard.js. */
declare module '*.css';
