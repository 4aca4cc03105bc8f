"""
Interoperability scenarios run with Debian's python3-paho-mqtt (1.6) against a running broker.
Usage: /usr/bin/python3 paho_scenarios.py <scenario> <host> <port> <ws_port>
Prints one JSON object with what the client observed; the vitest side asserts on it.
Every wait is bounded so a broken broker fails the test instead of hanging it.
"""

import json
import socket
import sys
import threading
import time

import paho.mqtt.client as mqtt

HOST = sys.argv[2]
PORT = int(sys.argv[3])
WS_PORT = int(sys.argv[4])
TIMEOUT = 15.0


class Recorder:
    """A connected client that records CONNACK, SUBACK codes, messages and disconnects."""

    def __init__(self, client_id, clean_session=True, transport="tcp", protocol=mqtt.MQTTv311, will=None, keepalive=60, userdata=None):
        self.client = mqtt.Client(client_id=client_id, clean_session=clean_session, protocol=protocol, transport=transport)
        if transport == "websockets":
            self.client.ws_set_options(path="/mqtt")
        if will is not None:
            self.client.will_set(**will)
        self.connack = None
        self.flags = None
        self.messages = []
        self.granted = {}
        self.disconnected = threading.Event()
        self.disconnect_rc = None
        self.lock = threading.Condition()
        self.client.on_connect = self._on_connect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_unsubscribe = self._on_unsubscribe
        self.unsubacks = set()
        self.keepalive = keepalive
        self.port = WS_PORT if transport == "websockets" else PORT

    def _on_connect(self, client, userdata, flags, rc):
        with self.lock:
            self.connack = rc
            self.flags = flags
            self.lock.notify_all()

    def _on_message(self, client, userdata, msg):
        with self.lock:
            self.messages.append({"topic": msg.topic, "payload": msg.payload.decode("utf-8", "replace"), "qos": msg.qos, "retain": bool(msg.retain)})
            self.lock.notify_all()

    def _on_subscribe(self, client, userdata, mid, granted_qos):
        with self.lock:
            self.granted[mid] = list(granted_qos)
            self.lock.notify_all()

    def _on_unsubscribe(self, client, userdata, mid):
        with self.lock:
            self.unsubacks.add(mid)
            self.lock.notify_all()

    def _on_disconnect(self, client, userdata, rc):
        self.disconnect_rc = rc
        self.disconnected.set()

    def connect(self):
        self.client.connect(HOST, self.port, keepalive=self.keepalive)
        self.client.loop_start()
        self.wait(lambda: self.connack is not None, "CONNACK")
        return self

    def wait(self, predicate, what):
        deadline = time.time() + TIMEOUT
        with self.lock:
            while not predicate():
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError("timed out waiting for " + what)
                self.lock.wait(left)

    def subscribe(self, topics):
        result, mid = self.client.subscribe(topics)
        self.wait(lambda: mid in self.granted, "SUBACK")
        return self.granted[mid]

    def wait_messages(self, count):
        self.wait(lambda: len(self.messages) >= count, str(count) + " messages")
        return self.messages

    def publish(self, topic, payload, qos=0, retain=False):
        info = self.client.publish(topic, payload, qos=qos, retain=retain)
        info.wait_for_publish(TIMEOUT)
        if not info.is_published():
            raise TimeoutError("publish not acknowledged")

    def stop(self):
        self.client.disconnect()
        self.client.loop_stop()


def scenario_qos():
    sub = Recorder("paho-sub").connect()
    granted = sub.subscribe([("paho/q/#", 2)])
    pub = Recorder("paho-pub").connect()
    for qos in (0, 1, 2):
        pub.publish("paho/q/" + str(qos), "qos" + str(qos), qos=qos)
    msgs = sub.wait_messages(3)
    pub.stop()
    sub.stop()
    return {"granted": granted, "messages": sorted(msgs, key=lambda m: m["topic"])}


def scenario_downgrade():
    sub = Recorder("paho-sub1").connect()
    granted = sub.subscribe([("paho/d", 1)])
    pub = Recorder("paho-pub").connect()
    pub.publish("paho/d", "two", qos=2)
    msgs = sub.wait_messages(1)
    pub.stop()
    sub.stop()
    return {"granted": granted, "messages": msgs}


def scenario_retained():
    pub = Recorder("paho-pub").connect()
    pub.publish("paho/r/a", "stored", qos=1, retain=True)
    pub.publish("paho/r/b", "to-delete", qos=0, retain=True)
    pub.publish("paho/r/b", "", qos=1, retain=True)
    sub = Recorder("paho-sub").connect()
    sub.subscribe([("paho/r/#", 2)])
    first = list(sub.wait_messages(1))
    pub.publish("paho/r/a", "live", qos=1, retain=True)
    both = sub.wait_messages(2)
    pub.stop()
    sub.stop()
    return {"onSubscribe": first, "all": both}


def scenario_will():
    watcher = Recorder("paho-watch").connect()
    watcher.subscribe([("paho/status/#", 1)])
    dev = Recorder("paho-dev", will={"topic": "paho/status/dev", "payload": "offline", "qos": 1, "retain": True}).connect()
    clean = Recorder("paho-clean", will={"topic": "paho/status/clean", "payload": "never", "qos": 1}).connect()
    clean.stop()  # DISCONNECT: the will is discarded
    dev.client.loop_stop()
    dev.client.socket().close()  # vanish without DISCONNECT
    msgs = watcher.wait_messages(1)
    late = Recorder("paho-late").connect()
    late.subscribe([("paho/status/#", 1)])
    retained = late.wait_messages(1)
    watcher.stop()
    late.stop()
    return {"watcher": msgs, "retainedAfter": retained}


def scenario_session():
    first = Recorder("paho-persist", clean_session=False).connect()
    first_present = first.flags.get("session present")
    first.subscribe([("paho/s", 1)])
    first.stop()
    pub = Recorder("paho-pub").connect()
    for i in range(3):
        pub.publish("paho/s", "queued-" + str(i), qos=1)
    pub.stop()
    again = Recorder("paho-persist", clean_session=False)
    again.connect()
    msgs = again.wait_messages(3)
    present = again.flags.get("session present")
    again.stop()
    return {"firstPresent": first_present, "present": present, "messages": msgs}


def scenario_takeover():
    first = Recorder("paho-same").connect()
    first.client.reconnect_delay_set(60, 120)  # do not fight back within the test
    second = Recorder("paho-same").connect()
    taken = first.disconnected.wait(TIMEOUT)
    second.stop()
    first.client.loop_stop()
    return {"firstDisconnected": taken, "secondConnack": second.connack}


def scenario_websocket():
    sub = Recorder("paho-ws-sub", transport="websockets").connect()
    sub.subscribe([("paho/ws/#", 1)])
    pub = Recorder("paho-tcp-pub").connect()
    pub.publish("paho/ws/x", "over-websocket", qos=1)
    msgs = sub.wait_messages(1)
    pub.stop()
    sub.stop()
    return {"messages": msgs}


def scenario_wildcards():
    sub = Recorder("paho-wild").connect()
    sub.subscribe([("#", 0), ("+/w/+", 1), ("$SYS/broker/version", 0)])
    pub = Recorder("paho-pub").connect()
    pub.publish("$internal/x", "hidden", qos=0)
    pub.publish("a/w/b", "overlap", qos=1)
    pub.publish("zz", "end", qos=0)
    msgs = sub.wait_messages(3)
    pub.stop()
    sub.stop()
    return {"messages": msgs}


def scenario_unsubscribe():
    sub = Recorder("paho-unsub").connect()
    sub.subscribe([("paho/u/#", 0), ("paho/end", 0)])
    result, mid = sub.client.unsubscribe("paho/u/#")
    sub.wait(lambda: mid in sub.unsubacks, "UNSUBACK")
    pub = Recorder("paho-pub").connect()
    pub.publish("paho/u/x", "after-unsubscribe", qos=0)
    pub.publish("paho/end", "end", qos=0)
    msgs = sub.wait_messages(1)
    pub.stop()
    sub.stop()
    return {"messages": msgs}


def scenario_protocol31():
    c = Recorder("paho-31", protocol=mqtt.MQTTv31).connect()
    rc = c.connack
    c.stop()
    return {"connack": rc}


def scenario_keepalive():
    c = Recorder("paho-ka", keepalive=1)
    c.connect()
    c.client.loop_stop()  # stop pinging; stay silent
    sock = c.client.socket()
    sock.settimeout(TIMEOUT)
    start = time.time()
    closed_by_broker = False
    try:
        while True:
            data = sock.recv(64)
            if not data:
                closed_by_broker = True
                break
    except (ConnectionResetError, socket.timeout):
        closed_by_broker = False
    return {"closedByBroker": closed_by_broker, "afterSeconds": round(time.time() - start, 2)}


def scenario_auth():
    good = mqtt.Client(client_id="paho-auth-good")
    good.username_pw_set("fleet", "secret")
    bad = mqtt.Client(client_id="paho-auth-bad")
    bad.username_pw_set("fleet", "wrong")
    codes = {}
    done = threading.Event()

    def on_connect(name):
        def handler(client, userdata, flags, rc):
            codes[name] = rc
            if len(codes) == 2:
                done.set()
        return handler

    good.on_connect = on_connect("good")
    bad.on_connect = on_connect("bad")
    for c in (good, bad):
        c.connect(HOST, PORT)
        c.loop_start()
    done.wait(TIMEOUT)
    for c in (good, bad):
        c.disconnect()
        c.loop_stop()
    return codes


SCENARIOS = {name[len("scenario_"):]: fn for name, fn in globals().items() if name.startswith("scenario_")}

if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]]()))
