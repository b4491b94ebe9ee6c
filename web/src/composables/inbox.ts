import { ref } from 'vue';

/** My unread notifications: the header bell shows it, the inbox page updates it. */
export const unreadCount = ref(0);
