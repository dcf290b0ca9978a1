import { h } from '../dom.js';
import { t } from '../i18n.js';
import type { CallerState } from '../store.js';
import { progress } from './live.js';

const mb = (n: number) => `${Math.round(n / 1048576)} MB`;

/** Sending photos and videos: two persistent file inputs (camera and gallery) and the transfers in progress. */
export function createUploads(onFiles: (files: File[]) => void) {
  const take = h('input', {
    type: 'file',
    id: 'upload-take',
    accept: 'image/*',
    capture: 'environment',
    class: 'visually-hidden',
  });
  const choose = h('input', {
    type: 'file',
    id: 'upload-choose',
    accept: 'image/*,video/*',
    multiple: true,
    class: 'visually-hidden',
  });
  for (const input of [take, choose]) {
    input.addEventListener('change', () => {
      onFiles([...(input.files ?? [])]);
      input.value = '';
    });
  }
  const takeLabel = h('label', { for: 'upload-take', class: 'button secondary' });
  const chooseLabel = h('label', { for: 'upload-choose', class: 'button secondary' });
  const heading = h('h2', { id: 'upload-heading' });
  const list = h('div', { class: 'transfers' });
  const panel = h(
    'section',
    { class: 'uploads', 'aria-labelledby': 'upload-heading' },
    heading,
    take,
    takeLabel,
    choose,
    chooseLabel,
    list,
  );
  return {
    element: panel,
    render(s: CallerState): void {
      heading.textContent = t('upload.title');
      takeLabel.textContent = t('upload.take');
      chooseLabel.textContent = t('upload.choose');
      list.replaceChildren(
        ...s.uploads.map((u) => {
          const percent = u.total ? Math.floor((100 * u.sent) / u.total) : 0;
          if (u.state === 'sending')
            return progress(`upload-${u.id}`, t('upload.progress', { name: u.name, percent }), percent);
          const text =
            u.state === 'done'
              ? t('upload.done', { name: u.name })
              : u.state === 'waiting'
                ? t('upload.storageWait', { name: u.name })
                : u.state === 'kept'
                  ? t('upload.kept', { name: u.name })
                  : u.state === 'rejected'
                    ? t('upload.notMedia', { name: u.name })
                    : u.state === 'too-big'
                      ? t('upload.tooBig', { name: u.name, size: mb(s.maxUploadBytes) })
                      : t('upload.failed', { name: u.name });
          return h('p', { class: `transfer ${u.state}`, 'data-state': u.state }, text);
        }),
      );
    },
  };
}
