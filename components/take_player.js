// One recorded take with its waveform and comment markers. The player is plain JavaScript
// (static/take-player.js); this component mounts it and passes its events on to the server.
export default {
  template: `<div ref="root" class="full-width" data-testid="take"></div>`,
  props: { options: Object },
  mounted() {
    this.player = MirubatoTakePlayer.mount(this.$refs.root, {
      ...this.options,
      emit: (name, detail) => this.$emit(name, detail),
    });
  },
  unmounted() {
    if (this.player) this.player.destroy();
  },
  methods: {
    setComments(comments) {
      if (this.player) this.player.setComments(comments);
    },
  },
};
