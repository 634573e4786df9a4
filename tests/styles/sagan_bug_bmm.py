"""SAGAN self-attention whose query projection lost its permute(0, 2, 1): bmm of [B, C', N] by [B, C', N]."""

import torch
import torch.nn as nn


class Self_Attn(nn.Module):
    """Self attention Layer"""

    def __init__(self, in_dim, activation="relu"):
        super(Self_Attn, self).__init__()
        self.chanel_in = in_dim
        self.activation = activation

        self.query_conv = nn.Conv2d(in_channels=in_dim, out_channels=in_dim // 8, kernel_size=1)
        self.key_conv = nn.Conv2d(in_channels=in_dim, out_channels=in_dim // 8, kernel_size=1)
        self.value_conv = nn.Conv2d(in_channels=in_dim, out_channels=in_dim, kernel_size=1)
        self.gamma = nn.Parameter(torch.zeros(1))

        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        m_batchsize, C, width, height = x.size()
        proj_query = self.query_conv(x).view(m_batchsize, -1, width * height)  # B X N X C'
        proj_key = self.key_conv(x).view(m_batchsize, -1, width * height)  # B X C' x N
        energy = torch.bmm(proj_query, proj_key)  # expect: CNL010
        attention = self.softmax(energy)  # B X N X N
        proj_value = self.value_conv(x).view(m_batchsize, -1, width * height)  # B X C X N

        out = torch.bmm(proj_value, attention.permute(0, 2, 1))
        out = out.view(m_batchsize, C, width, height)

        out = self.gamma * out + x
        return out, attention


# cnnlint: input=(4, 3, 32, 32)
class Discriminator(nn.Module):
    def __init__(self, conv_dim=64):
        super().__init__()
        self.l1 = nn.Sequential(nn.Conv2d(3, conv_dim, 4, 2, 1), nn.LeakyReLU(0.1))
        self.l2 = nn.Sequential(nn.Conv2d(conv_dim, conv_dim * 2, 4, 2, 1), nn.LeakyReLU(0.1))
        self.l3 = nn.Sequential(nn.Conv2d(conv_dim * 2, conv_dim * 4, 4, 2, 1), nn.LeakyReLU(0.1))
        self.attn = Self_Attn(conv_dim * 4)
        self.last = nn.Conv2d(conv_dim * 4, 1, 4)

    def forward(self, x):
        out = self.l3(self.l2(self.l1(x)))
        out, p1 = self.attn(out)
        out = self.last(out)
        return out.squeeze(), p1
