package org.ccarm.store;

/** The store contract on the in-memory store. */
class InMemoryConversationStoreTest extends ConversationStoreContract {

    @Override
    protected ConversationStore newStore() {
        return new InMemoryConversationStore();
    }
}
