// The app version, injected by the bundler from package.json; "dev" when run from source.
declare const __HOSTDECK_VERSION__: string | undefined;
export const version: string = typeof __HOSTDECK_VERSION__ === 'string' ? __HOSTDECK_VERSION__ : 'dev';
