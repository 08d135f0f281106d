import { loadCatalog } from '../catalog/index.js';
import { createItvApp } from './build-app.js';

const { app } = createItvApp({ services: Object.values(loadCatalog().services), nag: true });
app.synth();
