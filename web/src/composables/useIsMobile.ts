import { ref } from 'vue';

/** Phone width: the side menu becomes a drawer, dialogs go full width. */
const query = window.matchMedia('(max-width: 768px)');
const isMobile = ref(query.matches);
query.addEventListener('change', (e) => {
  isMobile.value = e.matches;
});

export function useIsMobile() {
  return isMobile;
}
