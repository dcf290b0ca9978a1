import { useEffect } from 'react';

/** Sets the document title, which is what screen readers announce and what shows on the taskbar. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Sightline`;
  }, [title]);
}
