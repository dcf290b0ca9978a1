import './styles/base.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/pages.css';
import './styles/session.css';
import './styles/evidence.css';
import './styles/live.css';
import './styles/incidents.css';
import './styles/outcomes.css';
import './styles/protect.css';
import './styles/take-up.css';
import './styles/wall.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { createConsoleApp } from './app/console-app.js';
import { AppContext } from './app/context.js';

const app = createConsoleApp(window);
void app.auth.check();

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root');
createRoot(root).render(
  <StrictMode>
    <AppContext.Provider value={app}>
      <App />
    </AppContext.Provider>
  </StrictMode>,
);
