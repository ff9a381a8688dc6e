// Remembers every WebSocket the page opens, so the test can read the subprotocol the server agreed to.
window.openedWebSockets = [];
window.WebSocket = class extends window.WebSocket {
  constructor(url, protocols) {
    super(url, protocols);
    window.openedWebSockets.push(this);
  }
};
