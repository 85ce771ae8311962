'use strict';
// A preload that only leaves a function compiled in its own file (native-notes/scripts/script-ids.js).
globalThis.__preloadMarker = function preloadMarker() {};
