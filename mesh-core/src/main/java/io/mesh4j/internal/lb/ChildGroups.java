package io.mesh4j.internal.lb;

import io.mesh4j.discovery.Endpoint;
import io.mesh4j.lb.ForwardingLoadBalancerContext;
import io.mesh4j.lb.LoadBalancer;
import io.mesh4j.lb.LoadBalancerContext;
import io.mesh4j.lb.LoadBalancerUpdate;
import io.mesh4j.lb.Picker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * The children of a parent policy that splits endpoints into groups (priorities, zones): one child
 * policy per group key, kept while its group exists (so its per-endpoint state survives updates),
 * closed when the group goes. Publishes one picker per update once every child has one: a
 * child's picker as it is when there is a single group, else a {@link GroupPicker}; a child that
 * publishes later on its own (a timer) gets a new combined picker published.
 *
 * <p>Updates are serialized by a lock; a child's publication never waits for it: it marks the
 * picker stale and whoever holds or next gets the lock publishes. So parents nested in parents
 * cannot deadlock, whatever thread a child publishes from.
 */
public final class ChildGroups implements AutoCloseable {

  /**
   * One group of endpoints and its share of the traffic.
   *
   * @param key names the child that balances the group across updates
   * @param update what that child balances over
   * @param share in {@link GroupPicker#SCALE} parts; 0 for a group only retries reach
   */
  public record Group(String key, LoadBalancerUpdate update, int share) {
    public Group {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(update, "update");
    }
  }

  private final LoadBalancerContext context;
  private final Function<LoadBalancerContext, LoadBalancer> factory;
  private final ReentrantLock lock = new ReentrantLock();
  private final AtomicBoolean stale = new AtomicBoolean();
  // guarded by lock:
  private final Map<String, Child> children = new HashMap<>();
  private Child spare; // created up front, so that a policy that cannot start fails with its parent
  private Layout layout;
  private final GroupPicker.RetryRule retryRule;
  private boolean updating;
  private boolean closed;

  /**
   * Creates the first child at once: a child policy that cannot start fails here.
   *
   * @param factory creates a child policy with the context it must publish through
   * @param retryRule where a retry goes among the groups
   */
  public ChildGroups(
      LoadBalancerContext context, Function<LoadBalancerContext, LoadBalancer> factory,
      GroupPicker.RetryRule retryRule) {
    this.context = Objects.requireNonNull(context, "context");
    this.factory = Objects.requireNonNull(factory, "factory");
    this.retryRule = Objects.requireNonNull(retryRule, "retryRule");
    this.spare = create();
  }

  /**
   * Feeds each group's child (creating children for new keys, closing those of keys gone) and
   * publishes the combined picker.
   *
   * @param groups in the order a retry tries them; each with at least one endpoint
   * @param preferred the group a retry tries first after its drawn one, or -1
   * @param whenEmpty published when there is no group
   */
  public void update(List<Group> groups, int preferred, Picker whenEmpty) {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      Set<String> keys = new HashSet<>();
      for (Group g : groups) {
        if (!keys.add(g.key())) {
          throw new IllegalArgumentException("group " + g.key() + " given twice");
        }
      }
      children.entrySet().removeIf(e -> {
        if (keys.contains(e.getKey())) {
          return false;
        }
        e.getValue().close();
        return true;
      });
      updating = true;
      try {
        for (Group g : groups) {
          children.computeIfAbsent(g.key(), k -> newChild()).balancer.update(g.update());
        }
      } finally {
        updating = false;
      }
      layout = new Layout(groups, preferred, whenEmpty, retryRule);
      stale.set(true);
    } finally {
      lock.unlock();
    }
    publishIfStale();
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      children.values().forEach(Child::close);
      children.clear();
      if (spare != null) {
        spare.close();
        spare = null;
      }
    } finally {
      lock.unlock();
    }
  }

  /** The spare child, or a new one. */
  private Child newChild() {
    Child child = spare != null ? spare : create();
    spare = null;
    return child;
  }

  private Child create() {
    Child child = new Child();
    child.balancer = factory.apply(new ForwardingLoadBalancerContext(context) {
      @Override
      public void updatePicker(Picker picker) {
        child.published(Objects.requireNonNull(picker, "picker"));
      }
    });
    return child;
  }

  /** Publishes the latest combination unless another thread holds the lock: it will. */
  private void publishIfStale() {
    while (stale.get() && lock.tryLock()) {
      try {
        if (updating) {
          return; // this thread is inside update(): it publishes once every child is fed
        }
        if (stale.compareAndSet(true, false) && !closed && layout != null) {
          Picker combined = layout.combine(children);
          if (combined != null) {
            context.updatePicker(combined);
          }
        }
      } finally {
        lock.unlock();
      }
    }
  }

  private final class Child {
    LoadBalancer balancer;
    volatile Picker picker;
    volatile boolean closed;

    void published(Picker next) {
      if (closed) {
        return; // a late timer of a group that is gone
      }
      picker = next;
      stale.set(true);
      publishIfStale();
    }

    void close() {
      closed = true;
      balancer.close();
    }
  }

  /** The groups of the last update, in order, with what a {@link GroupPicker} needs of them. */
  private static final class Layout {
    private final String[] keys;
    private final int[] shares;
    private final int[] sizes;
    private final Map<Endpoint, Integer> groupOf;
    private final Map<Endpoint, Integer> excludedGroupOf;
    private final int preferred;
    private final Picker whenEmpty;
    private final GroupPicker.RetryRule retryRule;

    Layout(List<Group> groups, int preferred, Picker whenEmpty, GroupPicker.RetryRule retryRule) {
      this.retryRule = retryRule;
      int n = groups.size();
      keys = new String[n];
      shares = new int[n];
      sizes = new int[n];
      Map<Endpoint, Integer> of = new HashMap<>();
      Map<Endpoint, Integer> excludedOf = new HashMap<>();
      for (int i = 0; i < n; i++) {
        Group g = groups.get(i);
        keys[i] = g.key();
        shares[i] = g.share();
        sizes[i] = g.update().endpoints().size();
        for (Endpoint e : g.update().endpoints()) {
          of.putIfAbsent(e, i);
        }
        for (Endpoint e : g.update().excluded()) {
          excludedOf.putIfAbsent(e, i);
        }
      }
      this.groupOf = of;
      this.excludedGroupOf = excludedOf;
      this.preferred = preferred;
      this.whenEmpty = Objects.requireNonNull(whenEmpty, "whenEmpty");
    }

    /** The picker to publish, or null while a child has not published one yet. */
    Picker combine(Map<String, Child> children) {
      if (keys.length == 0) {
        return whenEmpty;
      }
      List<Picker> pickers = new ArrayList<>(keys.length);
      for (String key : keys) {
        Picker p = children.get(key).picker;
        if (p == null) {
          return null;
        }
        pickers.add(p);
      }
      if (keys.length == 1) {
        return pickers.get(0); // nothing to choose between: the child's picker, at no extra cost
      }
      return new GroupPicker(
          pickers.toArray(new Picker[0]), shares, sizes, groupOf, preferred, retryRule, excludedGroupOf);
    }
  }
}
