import type { VideoLayer } from '@sightline/protocol';
import { useStore } from '../lib/use-store.js';
import type { LiveViewer } from './live-viewer.js';

const LABELS: Record<VideoLayer, string> = {
  high: 'Full',
  low: 'Light (weak signal)',
  auto: 'Automatic',
};

/**
 * The picture the officer receives: the caller's full layer, the light one (for a weak
 * signal), or automatic (the viewer moves between them as its link allows). Switching does
 * not interrupt the video. The recording is always the full picture whatever is chosen here.
 */
export function LayerPicker({ viewer }: { viewer: LiveViewer }) {
  const { layer, served } = useStore(viewer.state);
  return (
    <label className="layer-picker small">
      Picture{' '}
      <select
        data-testid="video-layer"
        data-served={served}
        value={layer}
        onChange={(e) => viewer.setLayer(e.target.value as VideoLayer)}
      >
        {(Object.keys(LABELS) as VideoLayer[]).map((l) => (
          <option key={l} value={l}>
            {LABELS[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
