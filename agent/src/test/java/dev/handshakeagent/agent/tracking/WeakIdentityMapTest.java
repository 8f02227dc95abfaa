package dev.handshakeagent.agent.tracking;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.ref.Reference;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link WeakIdentityMap}: identity keys, get/put/remove, and stale entries after collection. */
class WeakIdentityMapTest {

  @Test
  void equalButDistinctKeysAreDifferentKeys() {
    String a = new String("a");
    String b = new String("a");
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    map.put(a, 1);
    assertEquals(1, map.get(a));
    assertNull(map.get(b));
    assertNull(map.get("a"));
    map.put(b, 2);
    assertEquals(2, map.size());
    assertEquals(1, map.get(a));
    assertEquals(2, map.get(b));
  }

  @Test
  void putOnTheSameKeyReplacesTheValue() {
    Object key = new Object();
    WeakIdentityMap<String> map = new WeakIdentityMap<>();
    map.put(key, "first");
    map.put(key, "second");
    assertEquals(1, map.size());
    assertEquals("second", map.get(key));
  }

  @Test
  void removeTakesOnlyThatKey() {
    String a = new String("a");
    String b = new String("a");
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    map.put(a, 1);
    map.put(b, 2);
    assertEquals(1, map.remove(a));
    assertEquals(1, map.size());
    assertNull(map.get(a));
    assertEquals(2, map.get(b));
    assertNull(map.remove(a));
    assertNull(map.remove(new Object()));
    assertEquals(1, map.size());
  }

  @Test
  void nullKeyIsAbsent() {
    WeakIdentityMap<Integer> map = new WeakIdentityMap<>();
    map.put(new String("x"), 1);
    assertNull(map.get(null));
  }

  @Test
  void expungeRemovesEntriesWhoseKeyWasCollected() throws InterruptedException {
    WeakIdentityMap<String> map = new WeakIdentityMap<>();
    Object kept = new Object();
    map.put(kept, "kept");
    putUnreachableKeys(map, 10);
    assertEquals(11, map.size());

    for (int attempt = 0; attempt < 100 && map.size() > 1; attempt++) {
      List<byte[]> garbage = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        garbage.add(new byte[64 * 1024]);
      }
      garbage.clear();
      System.gc();
      Thread.sleep(10);
      map.expunge();
    }

    assertEquals(1, map.size(), "entries with collected keys are expunged");
    assertEquals("kept", map.get(kept));
    Reference.reachabilityFence(kept);
  }

  /** In its own method so no local variable of the test keeps the keys reachable. */
  private static void putUnreachableKeys(WeakIdentityMap<String> map, int count) {
    for (int i = 0; i < count; i++) {
      map.put(new Object(), "gone " + i);
    }
  }
}
