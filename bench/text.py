"""P3: dynamic padding + length grouping vs padding every text to 128 tokens, for embedding and for fine-tuning.

Usage: python bench/text.py [--texts summaries|descriptions] [--n-embed 256] [--n-train 64] [--repeats 2]

Both ways see the same texts, cut at the same 128 tokens, in fp32 (the fixed-length recipe's setting), on one thread,
timed in CPU seconds of this process (`--clock wall --threads N` for elapsed time): on a machine shared with other
jobs, elapsed time swings by 3x from run to run while CPU time stays put.
- embedding: `text_features` (tokenized once, length-grouped batches padded to their longest text) against a loop
  that tokenizes each batch of 32 with `padding="max_length", max_length=128`; a logistic regression fitted on the
  fixed-length features must predict the same classes from both feature sets;
- fine-tuning: `fit` (AdamW) on a `TextClassifier`, one pass over the same length-grouped batches of 32, padded to
  each batch's longest text or to 128; texts/s of the steps after the first (which also allocates the optimizer's
  state). Dropout is off in both, so the two runs compute the same function and the two trained models must
  predict the same classes.
Texts: by default the one-line summaries of the Debian corpus (sentence-length texts, like SST-2's); with
`--texts descriptions`, the full descriptions (median ~94 tokens, so padding to 128 wastes less and the ratio is
smaller). The last line is `P3 embed_ratio=<x> train_ratio=<y> same_predictions=<true|false>`.
"""
import argparse, copy, time
import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader
from tl_course.core import seed_everything
from tl_course.inference import predict
from tl_course.loop import fit, Callback
from tl_course.text import (load_encoder, text_features, tokenize_texts, pool_hidden, TokenizedTexts, PadCollate,
                            LengthGroupedBatchSampler, TextClassifier, text_loader)
from tl_course.textdata import load_debian_sections, TextDataset

MAX_LEN = 128

@torch.no_grad()
def fixed_length_features(model, tok, texts, batch_size=32):
    "The fixed-length recipe: tokenize each batch padded to 128 tokens, in data order; mean pooling."
    out = []
    for i in range(0, len(texts), batch_size):
        b = tok(texts[i:i+batch_size], padding="max_length", truncation=True, max_length=MAX_LEN, return_tensors="pt")
        out.append(pool_hidden(model(**b).last_hidden_state, b["attention_mask"], "mean"))
    return torch.cat(out)

CLOCK = time.process_time   # set in main: CPU seconds of this process, or wall-clock seconds

def best_of_interleaved(fa, fb, repeats):
    "Shortest times of `fa` and `fb`, called in turn `repeats` times (so a burst of load on a shared machine hits both), and their last results."
    ta, tb = [], []
    for _ in range(repeats):
        t0 = CLOCK(); ra = fa(); ta.append(CLOCK() - t0)
        for _ in range(2):  # the cheap way twice: it is the one a short burst of load distorts most
            t0 = CLOCK(); rb = fb(); tb.append(CLOCK() - t0)
    return min(ta), ra, min(tb), rb

class StepTimer(Callback):
    "Records the time at the end of every batch, so the first step (optimizer state allocation, warm caches) can be left out."
    def before_fit(self, run): self.t = []
    def after_batch(self, run): self.t.append(CLOCK())

def no_dropout(m):
    for mod in m.modules():
        if isinstance(mod, nn.Dropout): mod.p = 0.0
    return m

def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--texts", default="summaries", choices=["summaries", "descriptions"])
    ap.add_argument("--n-embed", type=int, default=256)
    ap.add_argument("--n-train", type=int, default=160)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="torch threads (1: steadiest figures on a shared machine)")
    ap.add_argument("--clock", default="cpu", choices=["cpu", "wall"], help="cpu: CPU seconds of this process (insensitive to other processes' load); wall: elapsed seconds")
    a = ap.parse_args()
    global CLOCK
    CLOCK = time.process_time if a.clock == "cpu" else time.perf_counter
    torch.set_num_threads(a.threads)
    seed_everything(0)
    tok, enc = load_encoder()
    ds = load_debian_sections("train")
    pick = torch.randperm(len(ds), generator=torch.Generator().manual_seed(0))[:a.n_embed].tolist()
    texts = [ds.texts[i].split("\n")[0] if a.texts == "summaries" else ds.texts[i] for i in pick]
    labels = ds.labels[pick]
    n_tok = [len(t) for t in tokenize_texts(tok, texts, MAX_LEN)]
    print(f"texts: {len(texts)} Debian package {a.texts}, median {int(np.median(n_tok))} tokens (max {max(n_tok)}), cut at {MAX_LEN}; "
          f"{torch.get_num_threads()} thread(s), fp32, {a.clock} clock")

    # embedding
    fixed_length_features(enc, tok, texts[:8])  # warm-up
    text_features(enc, tok, texts[:8], MAX_LEN, amp=False, cache=None, show=False)
    t_fix, f_fix, t_dyn, f_dyn = best_of_interleaved(lambda: fixed_length_features(enc, tok, texts),
        lambda: text_features(enc, tok, texts, MAX_LEN, batch_size=32, amp=False, cache=None, show=False)["mean"], a.repeats)
    from sklearn.linear_model import LogisticRegression
    half = len(texts) // 2
    clf = LogisticRegression(max_iter=3000).fit(f_fix[:half].numpy(), labels[:half].numpy())
    p_fix, p_dyn = clf.predict(f_fix[half:].numpy()), clf.predict(f_dyn[half:].numpy())
    same_embed = bool((p_fix == p_dyn).all())
    embed_ratio = t_fix / t_dyn
    print(f"embed   fixed 128: {len(texts)/t_fix:7.1f} texts/s   dynamic + grouped: {len(texts)/t_dyn:7.1f} texts/s   "
          f"ratio {embed_ratio:.2f}   max |feature diff| {(f_fix - f_dyn).abs().max():.1e}   same predictions: {same_embed} "
          f"(accuracy {np.mean(p_fix == labels[half:].numpy()):.3f})")

    # one fine-tuning pass over the same length-grouped batches, padded two ways
    tr_texts, tr_labels = texts[:a.n_train], labels[:a.n_train]
    tds = TokenizedTexts(tokenize_texts(tok, tr_texts, MAX_LEN), tr_labels)
    batches = list(LengthGroupedBatchSampler(tds.lengths, a.batch_size, shuffle=True, seed=0))
    start = copy.deepcopy(no_dropout(TextClassifier(enc, len(ds.classes))).state_dict())
    eval_dl = text_loader(TextDataset(texts[half:], labels[half:].tolist(), ds.classes), tok, 64, MAX_LEN)
    def train(pad_to):
        model = no_dropout(TextClassifier(copy.deepcopy(enc), len(ds.classes))); model.load_state_dict(start)
        dl = DataLoader(tds, batch_sampler=batches, collate_fn=PadCollate(tok.pad_token_id, pad_to))
        timer = StepTimer()
        fit(model, dl, epochs=1, lr=1e-4, sched="constant", amp=False, show=False, seed=0, callbacks=[timer])
        return (timer.t[-1] - timer.t[0]) / (len(tds) - len(batches[0])), predict(model, eval_dl, amp=False)[0]
    train(None)  # warm-up
    # the two ways run in turn, best of `repeats` each, so a burst of load on a shared machine hits both
    runs_fix, runs_dyn = [], []
    for _ in range(a.repeats): runs_fix.append(train(MAX_LEN)); runs_dyn.append(train(None))
    (t_tfix, l_fix), (t_tdyn, l_dyn) = min(runs_fix, key=lambda r: r[0]), min(runs_dyn, key=lambda r: r[0])
    same_train = bool((l_fix.argmax(-1) == l_dyn.argmax(-1)).all())
    train_ratio = t_tfix / t_tdyn
    print(f"train   fixed 128: {1/t_tfix:7.1f} texts/s   dynamic + grouped: {1/t_tdyn:7.1f} texts/s   "
          f"ratio {train_ratio:.2f}   max |logit diff| after {len(batches)} steps {(l_fix - l_dyn).abs().max():.1e}   same predictions: {same_train}")
    print(f"P3 embed_ratio={embed_ratio:.2f} train_ratio={train_ratio:.2f} same_predictions={str(same_embed and same_train).lower()}")

if __name__ == "__main__": main()
