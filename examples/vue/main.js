import { createApp } from 'vue';
import 'ig-explainer';
import App from './App.vue';

createApp(App).mount('#app');
