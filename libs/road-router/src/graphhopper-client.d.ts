// Minimal declarations for the parts of graphhopper-js-api-client 7.6 that we use (the package ships no types).
declare module 'graphhopper-js-api-client/src/GraphHopperRouting.js' {
  class GraphHopperRouting {
    constructor(
      args: { key?: string; host?: string; endpoint?: string; timeout?: number },
      requestDefaults?: Record<string, unknown>,
    );
    doRequest(request: Record<string, unknown>): Promise<unknown>;
  }
  export = GraphHopperRouting;
}

declare module 'graphhopper-js-api-client/src/GraphHopperMatrix.js' {
  class GraphHopperMatrix {
    constructor(
      args: { key?: string; host?: string; endpoint?: string; timeout?: number },
      requestDefaults?: Record<string, unknown>,
    );
    doRequest(request: Record<string, unknown>): Promise<unknown>;
  }
  export = GraphHopperMatrix;
}
