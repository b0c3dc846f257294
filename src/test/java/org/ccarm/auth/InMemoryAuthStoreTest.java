package org.ccarm.auth;

/** The auth store contract in memory. */
class InMemoryAuthStoreTest extends AuthStoreContract {

    @Override
    protected AuthStore newStore() {
        return new InMemoryAuthStore();
    }
}
