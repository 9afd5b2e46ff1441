// `loading="lazy"`: the element counts as visible once it comes near the viewport (an
// IntersectionObserver while connected); from then on it stays visible.
import type { ReactiveController, ReactiveControllerHost } from 'lit';

/** How far outside the viewport `loading="lazy"` starts. */
const LAZY_ROOT_MARGIN = '300px';

export class LazyStartController implements ReactiveController {
  /** Near the viewport at least once (or no IntersectionObserver in this browser). */
  visible = typeof IntersectionObserver === 'undefined';
  #observer: IntersectionObserver | null = null;

  constructor(private readonly host: ReactiveControllerHost & Element) {
    host.addController(this);
  }

  hostConnected(): void {
    if (this.visible || this.#observer) return;
    this.#observer = new IntersectionObserver(
      (entries) => {
        if (!entries.some((entry) => entry.isIntersecting)) return;
        this.visible = true;
        this.hostDisconnected();
        this.host.requestUpdate();
      },
      { rootMargin: LAZY_ROOT_MARGIN },
    );
    this.#observer.observe(this.host);
  }

  hostDisconnected(): void {
    this.#observer?.disconnect();
    this.#observer = null;
  }
}
