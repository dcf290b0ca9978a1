import { useEffect } from 'react';

/**
 * Dark colours while a field page is shown: read at night in a car, a white screen dazzles.
 * Set on the root element so the header and banners follow.
 */
export function useFieldTheme(): void {
  useEffect(() => {
    const root = document.documentElement;
    root.dataset.theme = 'field';
    return () => {
      delete root.dataset.theme;
    };
  }, []);
}
