// Progressive enhancement: every page works without this; with it, the design system's
// components (navigation, tables, details) get their scripted behaviour.
import DS from "/static/sgds/scripts/design-system.js";

DS.initAll();
