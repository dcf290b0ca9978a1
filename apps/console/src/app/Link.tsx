import type { ComponentPropsWithRef, MouseEvent } from 'react';
import { useApp } from './context.js';

/** An ordinary link that navigates in-app; modified clicks (new tab, etc.) keep browser behaviour. */
export function Link({ href, onClick, ...rest }: ComponentPropsWithRef<'a'> & { href: string }) {
  const { router } = useApp();
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    router.navigate(href);
  };
  return <a href={href} onClick={handle} {...rest} />;
}
