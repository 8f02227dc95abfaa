package dev.handshakeagent.agent.tracking;

import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A concurrent map keyed by object identity that holds its keys weakly, so a handshake or
 * connection object the JDK drops is never kept alive by the agent. Stale entries are removed by
 * {@link #expunge()}, which the sweeper calls.
 */
final class WeakIdentityMap<V> {
  private final ConcurrentHashMap<Object, V> map = new ConcurrentHashMap<>();
  private final ReferenceQueue<Object> queue = new ReferenceQueue<>();

  V get(Object key) {
    return key == null ? null : map.get(new Probe(key));
  }

  /**
   * The same lookup with a caller's reusable probe (one per thread), so a lookup allocates nothing
   * even where the JIT cannot prove that a fresh probe stays local. Cleared again afterwards: the
   * probe must not keep the key alive.
   */
  V get(Object key, Probe probe) {
    if (key == null) {
      return null;
    }
    probe.referent = key;
    try {
      return map.get(probe);
    } finally {
      probe.referent = null;
    }
  }

  void put(Object key, V value) {
    map.put(new Key(key, queue), value);
  }

  /**
   * A weak reference to {@code key} that {@link #putKey} stores as the key itself, so a value that
   * needs a weak reference to its key too shares this one (one reference object, not two).
   */
  WeakReference<Object> weakKey(Object key) {
    return new Key(key, queue);
  }

  /** Maps the referent of {@code key}, made by {@link #weakKey} of this map, to {@code value}. */
  void putKey(WeakReference<Object> key, V value) {
    if (!(key instanceof Key)) {
      throw new IllegalArgumentException("not a key of this map");
    }
    map.put(key, value);
  }

  V remove(Object key) {
    return map.remove(new Probe(key));
  }

  int size() {
    return map.size();
  }

  void expunge() {
    Object stale;
    while ((stale = queue.poll()) != null) {
      map.remove(stale);
    }
  }

  /** Stored key: weak, with the identity hash taken while the referent was alive. */
  private static final class Key extends WeakReference<Object> {
    private final int hash;

    Key(Object referent, ReferenceQueue<Object> queue) {
      super(referent, queue);
      this.hash = System.identityHashCode(referent);
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      Object mine = get();
      if (mine == null) {
        return false;
      }
      if (other instanceof Key) {
        return mine == ((Key) other).get();
      }
      return other instanceof Probe && mine == ((Probe) other).referent;
    }
  }

  /** Lookup key: strong and short-lived, or reused by one thread for one lookup at a time. */
  static final class Probe {
    Object referent;

    Probe() {}

    Probe(Object referent) {
      this.referent = referent;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(referent);
    }

    @Override
    public boolean equals(Object other) {
      if (this == other) {
        return true;
      }
      if (other instanceof Key) {
        return referent == ((Key) other).get();
      }
      return other instanceof Probe && referent == ((Probe) other).referent;
    }
  }
}
