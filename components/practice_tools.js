// The practice tools panel on the app's pages. The panel itself is plain JavaScript
// (static/practice-tools.js, loaded by every page) so that the offline shell runs the very same
// code; this component only mounts it and passes its events on to the server.
export default {
  template: `<div ref="root" class="mirubato-tools full-width" data-testid="practice-tools"></div>`,
  props: { options: Object },
  mounted() {
    this.tools = MirubatoTools.mount(this.$refs.root, {
      ...this.options,
      emit: (name, detail) => this.$emit(name, detail),
    });
  },
  unmounted() {
    if (this.tools) this.tools.destroy();
  },
};
