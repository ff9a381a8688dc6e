// What the list pages (clients, subscriptions, retained) share: they load when shown, may refresh themselves on a
// timer while visible, and stop when hidden or when the dashboard logs out.

export class ListPage {
  constructor() {
    this.visible = false;
    this.timer = undefined;
  }

  start() {}

  stop() {
    this.hide();
  }

  show() {
    this.visible = true;
    this.refresh();
  }

  hide() {
    this.visible = false;
    clearTimeout(this.timer);
  }

  /** Loads the page's data; subclasses override it. */
  async refresh() {}
}
