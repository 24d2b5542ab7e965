// A 1-10 rating that can be left empty: nothing is stored until the musician picks a star, and
// a rating picked by mistake can be cleared. It keeps its value in the browser, so it works
// with the connection down, and tells the server (and the log form's draft) each change.
// The page's translation functions (components/language.py); English as written where a page has none.
const _t = window._t || function (s, v) {
  return v ? s.replace(/\{(\w+)\}/g, function (m, k) { return k in v ? v[k] : m; }) : s;
};

export default {
  template: `
    <div class="row items-center q-gutter-sm" role="group" :aria-label="label">
      <q-rating :model-value="shown || 0" @update:model-value="choose" :max="10" size="1.75em" color="primary"
        icon="star_border" icon-selected="star" :icon-aria-label="starNames" :aria-label="label"
        data-testid="rating-stars" />
      <span class="text-grey-7" data-testid="rating-shown">{{ shown ? outOfTen : notRated }}</span>
      <q-btn v-if="shown" flat dense no-caps size="sm" :label="clear" @click="choose(null)" />
    </div>`,
  props: {
    modelValue: Number,
    label: String,
    notRated: String,
    clear: String,
  },
  emits: ["update:model-value"],
  data() {
    return { shown: this.modelValue || null };
  },
  computed: {
    outOfTen() {
      return _t("{rating}/10", { rating: this.shown });
    },
    starNames() {
      // What a screen reader says for each star (Quasar would say the icon's name: "star_border 3").
      return Array.from({ length: 10 }, (_, i) => _t("{rating} out of 10", { rating: i + 1 }));
    },
  },
  watch: {
    modelValue(value) {
      this.shown = value || null;
    },
  },
  methods: {
    choose(value) {
      this.shown = value || null; // q-rating gives 0 when the chosen star is tapped again
      this.$emit("update:model-value", this.shown);
    },
  },
};
