/** Which JavaScript runtime runs this process: Bun reports itself as Node too, so ask for Bun first. */
export const onBun: boolean = typeof process.versions.bun === 'string';
