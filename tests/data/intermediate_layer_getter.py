from collections import OrderedDict

import torch
import torch.nn as nn


class Getter(nn.ModuleDict):
    def __init__(self, model, return_layers):
        if not set(return_layers).issubset([name for name, _ in model.named_children()]):
            raise ValueError("return_layers are not present in model")
        orig_return_layers = return_layers
        return_layers = {str(k): str(v) for k, v in return_layers.items()}
        layers = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            if name in return_layers:
                del return_layers[name]
            if not return_layers:
                break
        super().__init__(layers)
        self.return_layers = orig_return_layers

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out_name = self.return_layers[name]
                out[out_name] = x
        return out


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3)
        self.layer1 = nn.Conv2d(8, 16, 3)
        self.layer2 = nn.Conv2d(16, 32, 3)
        self.fc = nn.Linear(32, 10)


class Top(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = Getter(Net(), {"layer1": "0", "layer2": "1"})
        self.head = nn.Conv2d(32, 4, 1)

    def forward(self, x):
        feats = self.body(x)
        return self.head(list(feats.values())[-1])


top = Top()
top(torch.randn(1, 3, 16, 16))
