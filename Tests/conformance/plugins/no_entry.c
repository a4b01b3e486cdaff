/* A shared library that is not a Lyrebird plugin: it exports no lyrebird_plugin_entry. */
int lyrebird_something_else(void) { return 42; }
