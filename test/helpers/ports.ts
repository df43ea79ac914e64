/** `createManager`'s `ports` with every role off: tests turn on only the roles they use. */
export const NO_PORTS = {
  client: false,
  clientHttp: false,
  manager: false,
  reporting: false,
  webServices: false,
} as const;
